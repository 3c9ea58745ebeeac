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
   * @param trainDistinct distinct examples among {@code train} (by {@link ContentHash}); fewer than its
   *     size when the file repeats examples
   * @param heldOutDistinct likewise for {@code heldOut}
   * @param read examples read from the files, before {@code max-samples}
   * @param maxSamples the entry's {@code max-samples}, 0 for none
   */
  public record Set(String name, List<Conversation> train, List<Conversation> heldOut, String heldOutFrom,
      List<DataReport> reports, int trainDistinct, int heldOutDistinct, int read, int maxSamples) {

    public boolean carved() {
      return heldOutFrom.startsWith("carved");
    }

    /** Whether {@code max-samples} left examples out. */
    public boolean sampled() {
      return maxSamples > 0 && maxSamples < read;
    }

    /** {@code 950,000} or, when the examples repeat, {@code 950,000 (7,100 distinct)}. */
    static String count(int n, int distinct) {
      return String.format(java.util.Locale.ROOT, "%,d", n)
          + (distinct < n ? String.format(java.util.Locale.ROOT, " (%,d distinct)", distinct) : "");
    }
  }

  /**
   * The lines a run prints at its start, so that no example a user gave is left out or moved without
   * a line: records skipped as malformed, a {@code max-samples} sample, a carved dev set.
   */
  public List<String> notes() {
    List<String> out = new ArrayList<>();
    for (Set s : sets) {
      int faults = s.reports().stream().mapToInt(DataReport::faults).sum();
      if (faults > 0) {
        String first = s.reports().stream().flatMap(r -> r.firstFaults().stream()).findFirst()
            .map(f -> "; the first: " + f).orElse("");
        out.add(String.format(java.util.Locale.ROOT, "data: '%s': %,d malformed record%s left out (data.on-error = skip)%s",
            s.name(), faults, faults == 1 ? "" : "s", first));
      }
      if (s.sampled()) {
        out.add(String.format(java.util.Locale.ROOT, "data: '%s': max-samples = %,d keeps a seeded sample of %,d of"
            + " its %,d examples; %,d are left out of this run", s.name(), s.maxSamples(), s.maxSamples(), s.read(),
            s.read() - s.maxSamples()));
      }
      if (s.carved()) {
        int n = s.heldOut().size() + s.train().size();
        int distinct = s.trainDistinct() + s.heldOutDistinct();
        out.add(String.format(java.util.Locale.ROOT,
            "data: '%s' has no held-out split; %s of its %,d examples are its dev set (%s, seeded), %s train%s",
            s.name(), Set.count(s.heldOut().size(), s.heldOutDistinct()), n, s.heldOutFrom(),
            Set.count(s.train().size(), s.trainDistinct()), distinct < n ? String.format(java.util.Locale.ROOT,
                "; its examples are copies of %,d distinct ones, and every copy of one stays on its side", distinct) : ""));
      }
    }
    return out;
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

  /**
   * {@code max-samples}: a seeded sample of {@code n} examples in file order (LLaMA-Factory's
   * {@code max_samples} takes the first n; a seeded sample keeps a sorted file's variety), or every
   * example when {@code n} is 0 or not below their number.
   */
  static List<Conversation> sample(List<Conversation> all, int n, long seed) {
    if (n <= 0 || n >= all.size()) {
      return all;
    }
    int[] order = new int[all.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Random random = new java.util.Random(seed * 31 + 0x5A17L);
    for (int i = 0; i < n; i++) { // a partial Fisher–Yates: the first n of a seeded permutation
      int j = i + random.nextInt(order.length - i);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int[] chosen = java.util.Arrays.copyOf(order, n);
    java.util.Arrays.sort(chosen);
    List<Conversation> out = new ArrayList<>(n);
    for (int i : chosen) {
      out.add(all.get(i));
    }
    return out;
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
            List.of(train.report(), heldOut.report()), ContentHash.distinct(train.conversations()),
            ContentHash.distinct(heldOut.conversations()),
            train.conversations().size() + heldOut.conversations().size(), 0));
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
      LoadedDataset loaded = DatasetReader.load(spec.path(),
          spec.columns() == null ? DatasetFormat.parse(spec.format()) : null, spec.columns(), onError, 20);
      List<Conversation> all = loaded.conversations();
      if (all.isEmpty()) {
        throw new UserError(spec.path() + ": no usable records in dataset '" + spec.name() + "'");
      }
      long seed = settings.seed() ^ spec.name().hashCode();
      List<Conversation> kept = sample(all, spec.maxSamples(), seed);
      // A seeded split: the same config always holds out the same examples.
      double fraction = given ? spec.heldOut() : data.devFraction();
      String from = given ? "held-out = " + fraction : "carved at data.dev-fraction = " + fraction;
      DevSplit split = DevSplit.carve(spec.name(), kept, fraction, seed, from);
      sets.add(new Set(spec.name(), split.train(), split.dev(), from, List.of(loaded.report()),
          split.trainDistinct(), split.devDistinct(), all.size(), spec.maxSamples()));
    }
    return new RunData(sets);
  }
}
