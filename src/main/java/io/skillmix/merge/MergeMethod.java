package io.skillmix.merge;

import io.skillmix.UserError;
import java.util.Locale;

/** How the merged model's scalars are made from the inputs' (Ju et al. 2024, arXiv 2410.03743). */
public enum MergeMethod {
  /** θ = Σ_k w_k θ_k. */
  AVERAGE("average"),
  /** Each scalar copied from one input drawn at random (probabilities w_k). */
  SELECT("select"),
  /** As select, but a drawn value still equal to the base's is drawn again among the inputs that changed it. */
  SELECT_RESAMPLE("select-resample");

  private final String cliName;

  MergeMethod(String cliName) {
    this.cliName = cliName;
  }

  public String cliName() {
    return cliName;
  }

  public boolean needsBase() {
    return this == SELECT_RESAMPLE;
  }

  public static MergeMethod parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (MergeMethod m : values()) {
      if (m.cliName.equals(n)) {
        return m;
      }
    }
    throw new UserError("--method '" + name + "' is not one of average, select, select-resample");
  }
}
