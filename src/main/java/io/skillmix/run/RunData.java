package io.skillmix.run;

import io.skillmix.UserError;
import io.skillmix.data.ContentHash;
import io.skillmix.data.Conversation;
import io.skillmix.data.DevSplit;
import io.skillmix.data.builtin.BuiltinFiles;
import io.skillmix.data.builtin.BuiltinMix;
import io.skillmix.data.format.DataReport;
import io.skillmix.data.format.DatasetFormat;
import io.skillmix.data.format.DatasetReader;
import io.skillmix.data.format.LoadedDataset;
import io.skillmix.data.format.OnError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The datasets of a run, read and split before any actor starts: a bad file fails here. */
public record RunData(List<Set> sets) {

  /**
   * One dataset: training and held-out examples, where the held-out ones came from, and what
   * reading its files reported.
   *
   * @param heldOutFrom for people: {@code "held-out file"}, {@code "held-out = 0.1"} or
   *     {@code "carved at data.dev-fraction = 0.05"}
   */
  public record Set(String name, List<Conversation> train, List<Conversation> heldOut, String heldOutFrom,
      List<DataReport> reports) {

    public boolean carved() {
      return heldOutFrom.startsWith("carved");
    }
  }

  /** One line per dataset whose dev split was carved, for the start of a run. */
  public List<String> carveNotes() {
    return sets.stream().filter(Set::carved).map(s -> String.format(java.util.Locale.ROOT,
        "data: '%s' has no held-out split; %d of its %d examples are its dev set (%s, seeded), %d train",
        s.name(), s.heldOut().size(), s.heldOut().size() + s.train().size(), s.heldOutFrom(), s.train().size()))
        .toList();
  }

  public List<String> names() {
    return sets.stream().map(Set::name).toList();
  }

  public long[] sizes() {
    return sets.stream().mapToLong(s -> s.train().size()).toArray();
  }

  /**
   * A SHA-256 of every dataset's examples (training, then held-out, in order: roles and texts), by
   * name: the run's data identity, whatever file, path or format it came from, split included.
   */
  public Map<String, String> digests() {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (Set set : sets) {
      java.security.MessageDigest digest = ContentHash.sha256();
      for (List<Conversation> part : List.of(set.train(), set.heldOut())) {
        for (Conversation c : part) {
          ContentHash.update(digest, c);
        }
        digest.update((byte) 1); // the split is part of the identity: a changed carve is another run
      }
      out.put(set.name(), java.util.HexFormat.of().formatHex(digest.digest()));
    }
    return out;
  }

  /** What an evaluation of this run's model reads: the held-out sets and how the run encodes. */
  public static io.skillmix.eval.Evaluation.Inputs evaluationInputs(RunSettings settings) {
    return evaluationInputs(settings, load(settings));
  }

  /** As {@link #evaluationInputs(RunSettings)}, on data already read. */
  static io.skillmix.eval.Evaluation.Inputs evaluationInputs(RunSettings settings, RunData data) {
    return new io.skillmix.eval.Evaluation.Inputs(
        data.sets().stream().map(s -> new io.skillmix.eval.Evaluation.HeldOut(s.name(), s.heldOut())).toList(),
        settings.data().datasets().isEmpty(), settings.chatTemplate(), settings.systemPrompt(), settings.data().maxLength(), settings.seed(),
        settings.learnerThreads());
  }

  public static RunData load(RunSettings settings) {
    return included(read(settings), settings.data().only());
  }

  /** The sets named in {@code data.only}, in the mix's order; all of them when it is empty. */
  static RunData included(RunData all, List<String> include) {
    if (include.isEmpty()) {
      return all;
    }
    for (String name : include) {
      if (!all.names().contains(name)) {
        throw new UserError("data.only: '" + name + "' is not a dataset of this mix; use some of "
            + String.join(", ", all.names()));
      }
    }
    return new RunData(all.sets().stream().filter(s -> include.contains(s.name())).toList());
  }

  /** Every dataset of the mix, {@code data.only} or not. */
  static RunData read(RunSettings settings) {
    RunSettings.Data data = settings.data();
    OnError onError = OnError.parse(data.onError());
    List<Set> sets = new ArrayList<>();
    if (data.datasets().isEmpty()) {
      Map<String, BuiltinFiles> files = BuiltinMix.writeJsonl(
          data.cacheDir(), settings.seed(), data.builtinTotal(), data.builtinHeldOut(), data.builtinNoise());
      for (BuiltinFiles f : files.values()) {
        LoadedDataset train = DatasetReader.load(f.train(), DatasetFormat.ALPACA, onError, 20);
        LoadedDataset heldOut = DatasetReader.load(f.heldOut(), DatasetFormat.ALPACA, onError, 20);
        sets.add(new Set(f.name(), train.conversations(), heldOut.conversations(), "held-out file",
            List.of(train.report(), heldOut.report())));
      }
      return new RunData(sets);
    }
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (RunSettings.DatasetSpec spec : data.datasets()) {
      if (!seen.add(spec.name())) {
        throw new UserError("data.datasets: the name '" + spec.name() + "' is used twice");
      }
      boolean given = !Double.isNaN(spec.heldOut());
      if (given && !(spec.heldOut() > 0 && spec.heldOut() < 1)) {
        throw new UserError("data.datasets: held-out of '" + spec.name() + "' = " + spec.heldOut()
            + " must be in (0, 1): every dataset keeps a dev split (leave it out to carve data.dev-fraction = "
            + data.devFraction() + ")");
      }
      LoadedDataset loaded = DatasetReader.load(spec.path(), DatasetFormat.parse(spec.format()), onError, 20);
      List<Conversation> all = new ArrayList<>(loaded.conversations());
      if (all.isEmpty()) {
        throw new UserError(spec.path() + ": no usable records in dataset '" + spec.name() + "'");
      }
      // A seeded split: the same config always holds out the same examples.
      double fraction = given ? spec.heldOut() : data.devFraction();
      String from = given ? "held-out = " + fraction : "carved at data.dev-fraction = " + fraction;
      DevSplit split = DevSplit.carve(spec.name(), all, fraction, settings.seed() ^ spec.name().hashCode(), from);
      sets.add(new Set(spec.name(), split.train(), split.dev(), from, List.of(loaded.report())));
    }
    return new RunData(sets);
  }
}
