package io.skillmix.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import io.skillmix.eval.ExactMatch.Problem;
import io.skillmix.eval.MultipleChoice.Question;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarkReadersTest {

  @TempDir
  Path dir;

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private static String message(Runnable r) {
    return assertThrows(UserError.class, r::run).getMessage();
  }

  // ---------------------------------------------------------------- MMLU

  @Test
  void mmluRowsWithQuotedCommasQuotesAndNewlines() throws IOException {
    Path file = write("abstract_algebra_test.csv", String.join("",
        "Find the degree of Q(sqrt(2)) over Q.,0,4,2,6,C\n",
        "\"Statement 1 | a, b and c\nStatement 2 | \"\"quoted\"\"\",True,False,\"x, y\",\"\",a\r\n",
        "\n",
        "Last one?,w,x,y,z,D"));
    List<Question> questions = MmluReader.readFile(file);
    assertEquals(3, questions.size());
    Question first = questions.get(0);
    assertEquals("Find the degree of Q(sqrt(2)) over Q.", first.question());
    assertEquals(List.of("0", "4", "2", "6"), first.options());
    assertEquals(2, first.answer());
    assertEquals("abstract_algebra", first.subject());
    Question second = questions.get(1);
    assertEquals("Statement 1 | a, b and c\nStatement 2 | \"quoted\"", second.question());
    assertEquals(List.of("True", "False", "x, y", ""), second.options());
    assertEquals(0, second.answer()); // lower-case letters are accepted
    assertEquals(3, questions.get(2).answer());
  }

  @Test
  void aBadMmluRowNamesItsFileAndTheLineItStartsOn() throws IOException {
    // The second record spans lines 2-3, so the bad record starts on line 4.
    Path file = write("law_test.csv",
        "q1,a,b,c,d,A\n\"two\nlines\",a,b,c,d,B\nq3,a,b,c,D\nq4,a,b,c,d,A\n");
    assertEquals(file + ":4: expected 6 columns (question, A, B, C, D, answer) but found 5;"
        + " quote fields that contain commas", message(() -> MmluReader.readFile(file)));

    Path letter = write("x_test.csv", "q,a,b,c,d,E\n");
    assertEquals(letter + ":1: answer 'E' is not one of A, B, C, D",
        message(() -> MmluReader.readFile(letter)));

    Path open = write("y_test.csv", "q,a,b,c,d,A\nq,\"never closed,b,c,d,A\nmore\n");
    assertEquals(open + ":2: a quoted field is never closed", message(() -> MmluReader.readFile(open)));

    Path stray = write("z_test.csv", "q,a\"b,c,d,e,A\n");
    assertTrue(message(() -> MmluReader.readFile(stray)).startsWith(stray + ":1: a quote inside"));

    Path after = write("w_test.csv", "q,\"a\"b,c,d,e,A\n");
    assertTrue(message(() -> MmluReader.readFile(after)).startsWith(after + ":1: unexpected text"));
  }

  @Test
  void anMmluFolderReadsEveryTestFileInSubjectOrder() throws IOException {
    write("virology_test.csv", "v1,a,b,c,d,B\n");
    write("anatomy_test.csv", "a1,a,b,c,d,A\na2,a,b,c,d,D\n");
    write("anatomy_dev.csv", "not read,a,b,c,d,A\n");
    write("notes.txt", "ignored");
    List<Question> all = MmluReader.readFolder(dir);
    assertEquals(List.of("anatomy", "anatomy", "virology"),
        all.stream().map(Question::subject).toList());
    assertEquals(List.of("a1", "a2", "v1"), all.stream().map(Question::question).toList());

    Path empty = Files.createDirectory(dir.resolve("empty"));
    assertTrue(message(() -> MmluReader.readFolder(empty)).startsWith(empty + ": no <subject>_test.csv"));
    Path missing = dir.resolve("missing");
    assertTrue(message(() -> MmluReader.readFolder(missing)).startsWith(missing + ": MMLU folder not found"));
  }

  // ---------------------------------------------------------------- categories

  @Test
  void categoryMappingGroupsSubjectsAndRefusesBadFiles() throws IOException {
    Path file = write("categories.json",
        "{\"Math\": [\"abstract_algebra\", \"college_mathematics\"], \"Medicine\": [\"anatomy\"]}");
    CategoryMapping mapping = CategoryMapping.read(file);
    assertEquals(List.of("Math", "Medicine"), mapping.categories());
    assertEquals("Math", mapping.categoryOf("college_mathematics"));
    assertEquals("Medicine", mapping.categoryOf("anatomy"));
    assertEquals(CategoryMapping.OTHER, mapping.categoryOf("virology"));

    Path twice = write("twice.json", "{\"A\": [\"x\"], \"B\": [\"x\"]}");
    assertEquals(twice + ": subject 'x' is in both 'A' and 'B'; list each subject once",
        message(() -> CategoryMapping.read(twice)));
    Path notList = write("notlist.json", "{\"A\": \"x\"}");
    assertEquals(notList + ": category 'A' must map to a list of subject names",
        message(() -> CategoryMapping.read(notList)));
    Path array = write("array.json", "[\"x\"]");
    assertTrue(message(() -> CategoryMapping.read(array)).startsWith(array + ": expected an object"));
    Path broken = write("broken.json", "{\"A\": [");
    assertTrue(message(() -> CategoryMapping.read(broken)).startsWith(broken + ": not valid JSON"));
  }

  // ---------------------------------------------------------------- GSM8K

  @Test
  void gsm8kLinesBecomeProblems() throws IOException {
    Path file = write("test.jsonl", String.join("\n",
        "{\"question\": \"Janet has 3 ducks. How many?\", \"answer\": \"3 ducks\\n#### 3\"}",
        "",
        "{\"question\": \"Big?\", \"answer\": \"1000 + 234 = 1,234\\n#### 1,234\"}"));
    List<Problem> problems = Gsm8kReader.read(file);
    assertEquals(2, problems.size());
    assertEquals("Janet has 3 ducks. How many?", problems.get(0).question());
    assertEquals("3 ducks\n#### 3", problems.get(0).answer());
    assertEquals(new java.math.BigDecimal("1234"),
        ExactMatch.referenceNumber(problems.get(1).answer()).orElseThrow());
  }

  @Test
  void aBadGsm8kLineNamesItsFileAndLine() throws IOException {
    String good = "{\"question\": \"q\", \"answer\": \"#### 1\"}\n";
    Path noMarker = write("a.jsonl", good + "\n{\"question\": \"q\", \"answer\": \"so 4\"}\n");
    assertEquals(noMarker + ":3: 'answer' has no final '#### N'; GSM8K answers end with it",
        message(() -> Gsm8kReader.read(noMarker)));
    Path noNumber = write("b.jsonl", "{\"question\": \"q\", \"answer\": \"#### many\"}\n");
    assertEquals(noNumber + ":1: 'answer' has no number after its last '####'",
        message(() -> Gsm8kReader.read(noNumber)));
    Path missing = write("c.jsonl", good + "{\"question\": \"q\"}\n");
    assertEquals(missing + ":2: missing string field 'answer'", message(() -> Gsm8kReader.read(missing)));
    Path json = write("d.jsonl", good + good + "{\"question\": \"q\", \"answer\n");
    assertTrue(message(() -> Gsm8kReader.read(json)).startsWith(json + ":3: not valid JSON"));
    Path array = write("e.jsonl", "[1, 2]\n");
    assertTrue(message(() -> Gsm8kReader.read(array)).startsWith(array + ":1: expected an object"));
    Path absent = dir.resolve("absent.jsonl");
    assertEquals(absent + ": file not found; check the path", message(() -> Gsm8kReader.read(absent)));
  }

  @Test
  void emptyBenchmarkFilesAreRefusedNotScoredAsZeroQuestions() throws IOException {
    Path gsm = write("test.jsonl", "\n  \n");
    assertEquals(gsm + ": no problems in the file (it is empty); GSM8K's test split has one"
        + " {\"question\": ..., \"answer\": ...} object per line", message(() -> Gsm8kReader.read(gsm)));
    Path mmlu = write("anatomy_test.csv", "");
    assertEquals(mmlu + ": no questions in the file (it is empty); each line holds question, A, B, C, D, answer",
        message(() -> MmluReader.readFile(mmlu)));
    Path folder = Files.createDirectory(dir.resolve("mmlu"));
    Files.writeString(folder.resolve("anatomy_test.csv"), "q,a,b,c,d,A\n");
    Files.writeString(folder.resolve("law_test.csv"), "\n");
    assertTrue(message(() -> MmluReader.readFolder(folder)).startsWith(folder.resolve("law_test.csv") + ": no questions"));
  }
}
