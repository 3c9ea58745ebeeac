package io.skillmix.eval;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.skillmix.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups benchmark subjects into categories, read from a user's JSON file such as
 * {@code {"Math": ["abstract_algebra", "college_mathematics"], "Medicine": ["anatomy"]}}. The
 * project ships no subject list: the mapping comes with the user's copy of the benchmark.
 */
public final class CategoryMapping {

  /** The category of a subject the mapping does not name. */
  public static final String OTHER = "Other";

  private final Map<String, String> categoryOfSubject;
  private final List<String> categories;

  private CategoryMapping(Map<String, String> categoryOfSubject, List<String> categories) {
    this.categoryOfSubject = Map.copyOf(categoryOfSubject);
    this.categories = List.copyOf(categories);
  }

  /** A mapping from category to its subjects; a subject may belong to one category only. */
  public static CategoryMapping of(Map<String, List<String>> subjectsByCategory) {
    Map<String, String> bySubject = new LinkedHashMap<>();
    subjectsByCategory.forEach((category, subjects) -> subjects.forEach(subject -> {
      String before = bySubject.putIfAbsent(subject, category);
      if (before != null && !before.equals(category)) {
        throw new IllegalArgumentException(
            "subject '" + subject + "' is in both '" + before + "' and '" + category + "'");
      }
    }));
    return new CategoryMapping(bySubject, List.copyOf(subjectsByCategory.keySet()));
  }

  public static CategoryMapping read(Path file) {
    String text;
    if (Files.exists(file)) {
      io.skillmix.InputFile.require(file, "--mmlu-categories", "a JSON file of categories and their subjects");
    }
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new UserError(file + ": category mapping not found; check the path");
    } catch (IOException e) {
      throw new UserError(file + ": cannot read the category mapping (" + e.getMessage() + ")");
    }
    JsonElement root;
    try {
      root = JsonParser.parseString(text);
    } catch (JsonParseException e) {
      throw new UserError(file + ": not valid JSON, " + io.skillmix.JsonProblem.describe(e));
    }
    if (!root.isJsonObject()) {
      throw new UserError(file + ": expected an object {\"Category\": [\"subject\", ...], ...}");
    }
    Map<String, List<String>> subjectsByCategory = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : ((JsonObject) root).entrySet()) {
      JsonElement value = e.getValue();
      if (!value.isJsonArray()) {
        throw new UserError(file + ": category '" + e.getKey()
            + "' must map to a list of subject names");
      }
      List<String> subjects = new java.util.ArrayList<>();
      for (JsonElement s : value.getAsJsonArray()) {
        if (!s.isJsonPrimitive() || !s.getAsJsonPrimitive().isString() || s.getAsString().isBlank()) {
          throw new UserError(file + ": category '" + e.getKey() + "' lists " + s
              + "; subjects are non-empty strings such as \"abstract_algebra\"");
        }
        subjects.add(s.getAsString().strip());
      }
      subjectsByCategory.put(e.getKey(), subjects);
    }
    try {
      return of(subjectsByCategory);
    } catch (IllegalArgumentException e) {
      throw new UserError(file + ": " + e.getMessage() + "; list each subject once");
    }
  }

  /** The subject's category, or {@link #OTHER}. */
  public String categoryOf(String subject) {
    return categoryOfSubject.getOrDefault(subject, OTHER);
  }

  /** The categories in the file's order. */
  public List<String> categories() {
    return categories;
  }

}
