package io.skillmix.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import io.skillmix.cli.Main;
import io.skillmix.config.ConfigLoader;
import io.skillmix.mix.ApplyMode;
import io.skillmix.run.RunSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArmTest {

  @Test
  void everyDefaultArmIsAValidConfig() {
    for (String name : Arm.GENERALIST) {
      RunSettings s = RunSettings.from(ConfigLoader.load(null, Arm.parse(name, null).overrides()));
      assertEquals(name.startsWith("mos") ? "mos" : name, s.mix().method(), name);
    }
    for (String name : Arm.SPECIALIST) {
      RunSettings s = RunSettings.from(ConfigLoader.load(null, Arm.parse(name, "math").overrides()));
      assertEquals(name.startsWith("mospec") ? "math" : "", s.config().getString("mix.mos.specialist"), name);
      if (name.startsWith("mospec")) {
        assertEquals(s.datasetNames().indexOf("math"), s.mix().plan().evaluator().context().specialist(), name);
      }
    }
  }

  @Test
  void everyPolicyAndVariantIsAnArmThatRuns() {
    for (String name : Arm.policyArms()) {
      RunSettings s = RunSettings.from(ConfigLoader.load(null, Arm.parse(name, null).overrides()));
      assertTrue(name.startsWith(s.mix().method()), name + " trains with " + s.mix().method());
    }
  }

  @Test
  void theMixersTableRunsEveryMixerAndOnTheBenchmarkAt210StepsEachLearnedArmUpdatesAtLeast20Times() {
    java.nio.file.Path bench = java.nio.file.Path.of("conf/benchmark.conf");
    RunSettings base = RunSettings.from(ConfigLoader.load(bench, List.of()));
    List<Arm> arms = Presets.table("mixers", base);
    assertEquals(List.of("uni", "prop", "temp-10", "mos-cossim-ema", "mos-diff-ema", "multidds", "multiuat", "odm",
        "fms-odm", "aioli", "dynamixsft"), arms.stream().map(Arm::name).toList());
    for (Arm arm : arms) {
      List<String> overrides = new java.util.ArrayList<>(arm.overrides());
      overrides.add("train.steps=210");
      RunSettings s = RunSettings.from(ConfigLoader.load(bench, overrides));
      assertEquals(arm.name().startsWith("mos") ? "mos" : arm.name().replace("-10", ""), s.mix().method());
      if (s.mix().learned()) {
        long updates = s.mix().plan().updates(210);
        assertTrue(updates >= 20, arm.name() + " makes " + updates + " updates");
        assertEquals(null, io.skillmix.run.UpdateCount.warning(s), arm.name());
      }
    }
    assertThrows(UserError.class, () -> Presets.mixers(5, 5), "an aioli round must hold LearnParams");
  }

  @Test
  void mosArmsSetRewardAndSmoothing() {
    RunSettings plain = RunSettings.from(ConfigLoader.load(null, Arm.parse("mos-diff", null).overrides()));
    assertEquals("diff", plain.mix().plan().evaluator().reward().name());
    assertEquals(false, plain.config().getBoolean("mix.mos.ema"));
    RunSettings ema = RunSettings.from(ConfigLoader.load(null, Arm.parse("mospec-cossim-ema", "nlp").overrides()));
    assertEquals("cossim", ema.mix().plan().evaluator().reward().name());
    assertTrue(ema.config().getBoolean("mix.mos.ema"));
    assertEquals("nlp", ema.config().getString("mix.mos.specialist"));
    assertTrue(ema.mix().plan().describe().contains("EMA"), ema.mix().plan().describe());
  }

  @Test
  void onlyTrainsOnTheTarget() {
    RunSettings s = RunSettings.from(ConfigLoader.load(null, Arm.parse("only", "math").overrides()));
    assertEquals(List.of("math"), s.data().only());
  }

  @Test
  void unknownArmsAndMissingTargetsAreRefused() {
    UserError unknown = assertThrows(UserError.class, () -> Arm.parse("mos-kl", null));
    assertTrue(unknown.getMessage().contains("unknown arm 'mos-kl'"), unknown.getMessage());
    UserError target = assertThrows(UserError.class, () -> Arm.parse("mospec-diff", null));
    assertTrue(target.getMessage().contains("--specialist"), target.getMessage());
    assertThrows(UserError.class, () -> Arm.parse("only", ""));
  }

  @Test
  void baselinesHaveNoEmaUnlessTheirNameAsks() {
    assertEquals(List.of("mix.method=multidds", "mix.multidds.ema=false"), Arm.parse("multidds", null).overrides());
    assertEquals(List.of("mix.method=multiuat", "mix.multiuat.ema=true"), Arm.parse("multiuat-ema", null).overrides());
    assertEquals(List.of("mix.method=uni"), Arm.parse("uni", null).overrides());
    assertThrows(UserError.class, () -> Arm.parse("uni-ema", null));
  }

  @Test
  void anArmOptionIsANameAndItsOverridesWithCommasInsideBracketsKept() {
    Arm arm = Arms.fromOption("lag-2=mix.apply=lagged,mix.lag-steps=2,data.only=[add,echo]");
    assertEquals("lag-2", arm.name());
    assertEquals(List.of("mix.apply=lagged", "mix.lag-steps=2", "data.only=[add,echo]"), arm.overrides());
    RunSettings s = RunSettings.from(ConfigLoader.load(null, arm.overrides()));
    assertEquals(ApplyMode.LAGGED, s.mix().apply());
    assertEquals(2, s.mix().lagSteps());
  }

  @Test
  void armsOfAConfigFileComeInFileOrder(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ablation.conf");
    Files.writeString(file, "compare.arms {\n  zz-sync = [\"mix.apply=sync\"]\n"
        + "  lag-3 = [\"mix.apply=lagged\", \"mix.lag-steps=3\"]\n  aa-free = [\"mix.apply=free\"]\n}\n");
    List<Arm> arms = Arms.fromConfig(ConfigLoader.load(file, List.of()));
    assertEquals(List.of("zz-sync", "lag-3", "aa-free"), arms.stream().map(Arm::name).toList());
    assertEquals(List.of("mix.apply=lagged", "mix.lag-steps=3"), arms.get(1).overrides());
    // without --arms, the defined arms run; with it, defined and built-in names mix
    assertEquals(arms, Arms.choose(null, arms, null));
    assertEquals(List.of("uni", "lag-3"), Arms.choose(List.of("uni", "lag-3"), arms, null).stream().map(Arm::name).toList());
    assertEquals(Arm.GENERALIST, Arms.choose(null, List.of(), null).stream().map(Arm::name).toList());
  }

  @Test
  void anUnknownKeyInAnArmIsOneLineNamingTheArmAndTheKey(@TempDir Path dir) throws Exception {
    UserError option = assertThrows(UserError.class, () -> Arms.fromOption("lag-2=mix.apply=lagged,mix.lag-step=2"));
    assertTrue(option.getMessage().startsWith("arm 'lag-2' (--arm lag-2): unknown key 'mix.lag-step'")
        && option.getMessage().contains("'mix.lag-step'; did you mean 'mix.lag-steps'") && !option.getMessage().contains("\n"),
        option.getMessage());
    Path file = dir.resolve("bad.conf");
    Files.writeString(file, "compare.arms {\n  fast = [\"train.stepz=10\"]\n}\n");
    UserError config = assertThrows(UserError.class, () -> Arms.fromConfig(ConfigLoader.load(file, List.of())));
    assertTrue(config.getMessage().startsWith("arm 'fast' (compare.arms.fast (") && config.getMessage().contains("bad.conf: 2")
        && config.getMessage().contains("unknown key 'train.stepz'"), config.getMessage());
    UserError reserved = assertThrows(UserError.class, () -> Arms.fromOption("s=seed=3"));
    assertTrue(reserved.getMessage().contains("'seed' is set by compare"), reserved.getMessage());
    UserError builtin = assertThrows(UserError.class, () -> Arms.fromOption("uni=mix.apply=free"));
    assertTrue(builtin.getMessage().contains("built-in arm"), builtin.getMessage());
    UserError twice = assertThrows(UserError.class, () -> Arms.choose(null,
        List.of(new Arm("a", List.of("mix.apply=sync")), new Arm("a", List.of("mix.apply=free"))), null));
    assertTrue(twice.getMessage().contains("defined twice"), twice.getMessage());

    // Through the command: exit 2 before anything runs (no comparison folder)
    Path out = dir.resolve("cmp");
    assertEquals(Main.USER_ERROR, Main.execute("compare", "--arm", "lag-2=mix.lag-step=2", "--out", out.toString()));
    assertEquals(Main.USER_ERROR, Main.execute("compare", file.toString(), "--out", out.toString()));
    assertTrue(!Files.exists(out));
  }

  @Test
  void thePresetsSayWhatEachArmSets() {
    List<Arm> async = Presets.async(100, 2);
    assertEquals(List.of("sync", "lagged-25", "lagged-50", "lagged-100", "free", "lagged-50-shared-threads"),
        async.stream().map(Arm::name).toList());
    assertEquals(List.of("mix.apply=sync", "mix.lag-steps=0"), async.get(0).overrides());
    assertEquals(List.of("mix.apply=lagged", "mix.lag-steps=50", "devices.evaluator-threads=2"), async.get(5).overrides());
    for (Arm arm : async) {
      List<String> withS = new java.util.ArrayList<>(List.of("mix.update-every=100")); // the S the preset was made for
      withS.addAll(arm.overrides());
      RunSettings.from(ConfigLoader.load(null, withS)); // each a valid config
    }
    List<Arm> interval = Presets.interval();
    assertEquals(List.of("every-25", "every-50", "every-100", "every-200"), interval.stream().map(Arm::name).toList());
    assertEquals(List.of("mix.update-every=200", "mix.lag-steps=100"), interval.get(3).overrides());
    assertThrows(UserError.class, () -> Presets.ablation("async", RunSettings.from(ConfigLoader.load(null, List.of("mix.method=uni")))));
    // Table 3: τ = 1, 10, ∞ for the temperature baseline and for the MoS scorer's prior (τ = ∞ of temp is uniform)
    RunSettings defaults = RunSettings.from(ConfigLoader.load(null, List.of()));
    List<Arm> prior = Presets.table("prior", defaults);
    assertEquals(List.of("temp-1", "temp-10", "temp-inf", "mos-prior-1", "mos-prior-10", "mos-prior-inf"),
        prior.stream().map(Arm::name).toList());
    assertEquals(List.of("mix.method=temp", "mix.temp.temperature=10"), prior.get(1).overrides());
    assertEquals(List.of("mix.method=uni"), prior.get(2).overrides());
    assertEquals(List.of("mix.method=mos", "mix.scorer.prior-temperature=inf"), prior.get(5).overrides());
    assertThrows(UserError.class, () -> Presets.table("lora", defaults));
  }

  @Test
  void theSweepIsTheStaticMixturesAndACornerPerDatasetOfTheMix() {
    // The built-in mix: its datasets as the run reads them, the noise set last (data.builtin.noise = 0.3).
    RunSettings builtin = RunSettings.from(ConfigLoader.load(null, List.of()));
    List<String> names = builtin.datasetNames();
    List<String> sets = new java.util.ArrayList<>(io.skillmix.data.builtin.BuiltinMix.SHARES.keySet());
    sets.add(io.skillmix.data.builtin.BuiltinMix.NOISE);
    assertEquals(sets, names);
    List<Arm> sweep = Presets.table("sweep", builtin);
    List<String> expected = new java.util.ArrayList<>(List.of("prop", "temp-2", "temp-10", "uni"));
    names.forEach(n -> expected.add("corner-" + n));
    assertEquals(expected, sweep.stream().map(Arm::name).toList());
    assertEquals(List.of("mix.method=prop"), sweep.get(0).overrides());
    assertEquals(List.of("mix.method=temp", "mix.temp.temperature=2"), sweep.get(1).overrides());
    assertEquals(List.of("mix.method=temp", "mix.temp.temperature=10"), sweep.get(2).overrides());
    assertEquals(List.of("mix.method=uni"), sweep.get(3).overrides());

    // A user's mix of three: the corner's own set at 0.7, the other two at 0.15 each.
    List<Arm> three = Presets.sweep(List.of("add", "echo", "talk"));
    assertEquals(List.of("mix.method=fixed", "mix.fixed.weights={add=0.15,echo=0.7,talk=0.15}"), three.get(5).overrides());
    // Four sets: 0.3 / 3 = 0.1 exactly as written; a name with a dot is a quoted key.
    assertEquals(List.of("mix.method=fixed", "mix.fixed.weights={math=0.7,nlp=0.1,writing=0.1,\"my.set\"=0.1}"),
        Presets.sweep(List.of("math", "nlp", "writing", "my.set")).get(4).overrides());
    // One --arm splits the overrides as the preset holds them: the braces keep their commas.
    String spec = String.join(",", three.get(4).overrides());
    assertEquals(three.get(4).overrides(), Arms.splitTopLevel(spec));
    // Each weights override is HOCON: one object, a key per dataset (the dotted name stays one key).
    com.typesafe.config.Config weights = com.typesafe.config.ConfigFactory.parseString(
        Presets.sweep(List.of("math", "nlp", "writing", "my.set")).get(4).overrides().get(1));
    assertEquals(java.util.Set.of("math", "nlp", "writing", "my.set"), weights.getObject("mix.fixed.weights").keySet());
    assertEquals(0.1, weights.getObject("mix.fixed.weights").toConfig().getDouble("\"my.set\""), 1e-12);
    assertThrows(UserError.class, () -> Presets.sweep(List.of("only")));
  }
}
