package io.skillmix.eval;

import io.skillmix.UserError;
import io.skillmix.eval.MultipleChoice.Question;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Reads multiple-choice questions in the MMLU CSV layout: no header; columns question, A, B, C,
 * D, answer letter; RFC 4180 quoting. One file per subject, named {@code <subject>_test.csv}.
 * Any malformed record stops the read with {@code FILE:LINE: reason}.
 */
public final class MmluReader {

  private static final String SUFFIX = "_test.csv";
  private static final int OPTIONS = 4;

  private MmluReader() {}

  /** Every {@code *_test.csv} in the folder, subjects in name order. */
  public static List<Question> readFolder(Path folder) {
    if (!Files.isDirectory(folder)) {
      throw new UserError(folder + ": MMLU folder not found; give the folder that holds the"
          + " <subject>_test.csv files");
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(folder)) {
      files = list.filter(p -> p.getFileName().toString().endsWith(SUFFIX) && Files.isRegularFile(p))
          .sorted().toList();
    } catch (IOException e) {
      throw new UserError(folder + ": cannot list the MMLU folder (" + e.getMessage() + ")");
    }
    if (files.isEmpty()) {
      throw new UserError(folder + ": no <subject>_test.csv files; MMLU's test split has one per"
          + " subject (e.g. abstract_algebra_test.csv)");
    }
    List<Question> out = new ArrayList<>();
    files.forEach(f -> out.addAll(readFile(f)));
    return out;
  }

  /** One subject's file; the subject is the file name less {@code _test.csv} (or {@code .csv}). */
  public static List<Question> readFile(Path file) {
    return readFile(file, subjectOf(file));
  }

  public static List<Question> readFile(Path file, String subject) {
    List<Csv.Record> records;
    try {
      records = Csv.parse(read(file));
    } catch (Csv.SyntaxError e) {
      throw new UserError(file + ":" + e.line + ": " + e.getMessage());
    }
    if (records.isEmpty()) {
      throw new UserError(file + ": no questions in the file (it is empty); each line holds question,"
          + " A, B, C, D, answer");
    }
    List<Question> out = new ArrayList<>(records.size());
    for (Csv.Record r : records) {
      out.add(question(file, r, subject));
    }
    return out;
  }

  static String subjectOf(Path file) {
    String name = file.getFileName().toString();
    if (name.endsWith(SUFFIX)) {
      return name.substring(0, name.length() - SUFFIX.length());
    }
    return name.endsWith(".csv") ? name.substring(0, name.length() - 4) : name;
  }

  private static Question question(Path file, Csv.Record r, String subject) {
    List<String> f = r.fields();
    String where = file + ":" + r.line() + ": ";
    if (f.size() != OPTIONS + 2) {
      throw new UserError(where + "expected 6 columns (question, A, B, C, D, answer) but found "
          + f.size() + "; quote fields that contain commas");
    }
    if (f.get(0).isBlank()) {
      throw new UserError(where + "the question is empty");
    }
    String letter = f.get(OPTIONS + 1).strip().toUpperCase(Locale.ROOT);
    int answer = letter.length() == 1 ? letter.charAt(0) - 'A' : -1;
    if (answer < 0 || answer >= OPTIONS) {
      throw new UserError(where + "answer '" + f.get(OPTIONS + 1) + "' is not one of A, B, C, D");
    }
    return new Question(f.get(0), f.subList(1, OPTIONS + 1), answer, subject);
  }

  private static String read(Path file) {
    if (Files.exists(file)) {
      io.skillmix.InputFile.require(file, "--mmlu", "a folder of MMLU <subject>_test.csv files");
    }
    try {
      // Strict UTF-8: a file in another encoding is reported, not read as mojibake.
      return StandardCharsets.UTF_8.newDecoder()
          .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    } catch (NoSuchFileException e) {
      throw new UserError(file + ": file not found; check the path");
    } catch (CharacterCodingException e) {
      throw new UserError(file + ": not UTF-8 text; convert the file to UTF-8");
    } catch (IOException e) {
      throw new UserError(file + ": cannot read the file (" + e.getMessage() + ")");
    }
  }
}
