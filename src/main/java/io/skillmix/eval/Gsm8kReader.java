package io.skillmix.eval;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.skillmix.UserError;
import io.skillmix.eval.ExactMatch.Problem;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads GSM8K's JSONL layout: one object per line with string fields {@code question} and
 * {@code answer}, the answer ending in {@code #### N}. Blank lines are skipped; any malformed line
 * stops the read with {@code FILE:LINE: reason}.
 */
public final class Gsm8kReader {

  private Gsm8kReader() {}

  public static List<Problem> read(Path file) {
    if (Files.exists(file)) { // a missing one keeps its own message below
      io.skillmix.InputFile.require(file, "--gsm8k", "a GSM8K JSONL file, one {\"question\", \"answer\"} object per line");
    }
    List<Problem> out = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int number = 0;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        number++;
        if (number == 1 && line.startsWith("\uFEFF")) {
          line = line.substring(1);
        }
        if (!line.isBlank()) {
          out.add(problem(line, file + ":" + number + ": "));
        }
      }
    } catch (NoSuchFileException e) {
      throw new UserError(file + ": file not found; check the path");
    } catch (CharacterCodingException e) {
      throw new UserError(file + ": not UTF-8 text; convert the file to UTF-8");
    } catch (IOException e) {
      throw new UserError(file + ": cannot read the file (" + e.getMessage() + ")");
    }
    if (out.isEmpty()) {
      throw new UserError(file + ": no problems in the file (it is empty); GSM8K's test split has one"
          + " {\"question\": ..., \"answer\": ...} object per line");
    }
    return out;
  }

  private static Problem problem(String line, String where) {
    JsonElement element;
    try {
      element = JsonParser.parseString(line);
    } catch (JsonParseException e) {
      throw new UserError(where + "not valid JSON; each line holds one object {\"question\": ...,"
          + " \"answer\": ...}");
    }
    if (!element.isJsonObject()) {
      throw new UserError(where + "expected an object {\"question\": ..., \"answer\": ...}");
    }
    JsonObject o = element.getAsJsonObject();
    String question = text(o, "question", where);
    String answer = text(o, "answer", where);
    if (question.isBlank()) {
      throw new UserError(where + "'question' is empty");
    }
    if (!answer.contains("####")) {
      throw new UserError(where + "'answer' has no final '#### N'; GSM8K answers end with it");
    }
    if (ExactMatch.referenceNumber(answer).isEmpty()) {
      throw new UserError(where + "'answer' has no number after its last '####'");
    }
    return new Problem(question, answer);
  }

  private static String text(JsonObject o, String key, String where) {
    JsonElement v = o.get(key);
    if (v == null || !v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
      throw new UserError(where + "missing string field '" + key + "'");
    }
    return v.getAsString();
  }
}
