package io.skillmix.run;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import io.skillmix.UserError;
import io.skillmix.data.tokenizer.ExampleEncoder;
import io.skillmix.data.TokenizedExample;
import io.skillmix.data.tokenizer.ChatTemplate;
import io.skillmix.data.tokenizer.Tokenizer;
import io.skillmix.eval.HeldOutLoss;
import io.skillmix.model.AdapterFolder;
import io.skillmix.model.Devices;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelInputs;
import io.skillmix.model.ModelFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code train --orders K}: K runs from the same starting model, each with its own data order
 * (Ju et al. 2024: fine-tuning order leaves an imbalance that merging the K models evens out). Run
 * k gets {@code data.order-seed} = base + k − 1, where the base is the configured order seed
 * ({@code seed} by default); {@code seed}, and with it the model's initialisation and the data
 * split, is shared. The runs go one after another here; with several devices they could run at
 * once, one learner per device, but this class does not schedule devices.
 */
public final class MultiOrderRun {

  /** One finished order: its folder (a normal run folder with final/) and held-out loss per dataset. */
  public record Order(int index, long orderSeed, Path runDir, long steps, Map<String, Double> heldOutLoss) {}

  public record Outcome(Path runDir, List<Order> orders) {}

  private MultiOrderRun() {}

  public static Outcome run(Config config, int orders) {
    if (orders < 1) {
      throw new UserError("--orders " + orders + " must be at least 1");
    }
    RunSettings settings = RunSettings.from(config);
    Path dir = settings.runDir();
    if (!settings.overwrite() && ModelFolder.holdsFiles(dir)) {
      throw new UserError(dir + ": run folder exists; set run.dir to a new folder, or run.overwrite = true to"
          + " replace it");
    }
    List<Long> seeds = new ArrayList<>();
    for (int k = 0; k < orders; k++) {
      long orderSeed = settings.orderSeed() + k;
      if (orderSeed == -1) {
        throw new UserError("data.order-seed of order " + (k + 1) + " would be -1, which means 'use seed';"
            + " choose another seed or data.order-seed");
      }
      seeds.add(orderSeed);
    }
    List<Order> done = new ArrayList<>();
    for (int k = 1; k <= orders; k++) {
      Config orderConfig = config
          .withValue("run.dir", ConfigValueFactory.fromAnyRef(dir.resolve("order-" + k).toString()))
          .withValue("data.order-seed", ConfigValueFactory.fromAnyRef(seeds.get(k - 1)));
      TrainingRun.Outcome outcome = TrainingRun.run(orderConfig);
      Map<String, Double> heldOut = heldOutLosses(RunSettings.from(orderConfig), outcome.runDir().resolve(io.skillmix.output.RunFolder.FINAL));
      done.add(new Order(k, seeds.get(k - 1), outcome.runDir(), outcome.steps(), heldOut));
      writeSummary(dir, orders, done); // after each order, so a long job shows what is finished
    }
    return new Outcome(dir, List.copyOf(done));
  }

  /** Held-out loss of a final model on every dataset with a held-out split, encoded as in training. */
  static Map<String, Double> heldOutLosses(RunSettings settings, Path finalModel) {
    RunData data = RunData.load(settings);
    Map<String, Double> out = new LinkedHashMap<>();
    try (Tokenizer tokenizer = ModelFolder.tokenizer(settings.modelPath());
        LanguageModel model = settings.lora().enabled() && settings.modelPath() != null
            ? AdapterFolder.open(settings.modelPath(), finalModel, Devices.parse("devices.learner", settings.learnerDevice()))
            : AdapterFolder.open(finalModel, null, Devices.parse("devices.learner", settings.learnerDevice()))) {
      ExampleEncoder encoder = new ExampleEncoder(ChatTemplate.resolve(settings.chatTemplate(), settings.modelPath(), settings.systemPrompt()),
          tokenizer, settings.data().maxLength(), ExampleEncoder.Overlength.parse(settings.data().overlength()));
      ModelInputs inputs = ModelInputs.padded(ModelInputs.padIdOf(tokenizer));
      for (RunData.Set set : data.sets()) {
        List<TokenizedExample> examples = set.heldOut().stream().map(encoder).filter(e -> e != null).toList();
        if (!examples.isEmpty()) {
          out.put(set.name(), HeldOutLoss.evaluate(model, inputs, set.name(), examples,
              settings.train().microBatchSize()).meanLoss());
        }
      }
    }
    return out;
  }

  private static void writeSummary(Path dir, int orders, List<Order> done) {
    List<String> datasets = new ArrayList<>();
    for (Order o : done) {
      o.heldOutLoss().keySet().stream().filter(d -> !datasets.contains(d)).forEach(datasets::add);
    }
    StringBuilder md = new StringBuilder("# Data orders\n\n");
    md.append(String.format(Locale.ROOT, "%d of %d runs from the same initial model, each with its own data order"
        + " (data.order-seed). Merge their final/ folders with `skillmix merge`.%n%n", done.size(), orders));
    md.append("| order | folder | data.order-seed | steps |");
    datasets.forEach(d -> md.append(" held-out loss ").append(d).append(" |"));
    md.append("\n|---|---|---:|---:|");
    datasets.forEach(d -> md.append("---:|"));
    md.append('\n');
    for (Order o : done) {
      md.append(String.format(Locale.ROOT, "| %d | `%s/final` | %d | %d |", o.index(),
          dir.relativize(o.runDir()), o.orderSeed(), o.steps()));
      for (String d : datasets) {
        Double loss = o.heldOutLoss().get(d);
        md.append(loss == null ? " – |" : String.format(Locale.ROOT, " %.4f |", loss));
      }
      md.append('\n');
    }
    if (datasets.isEmpty()) {
      md.append("\nNo dataset has a held-out split, so no held-out loss is reported.\n");
    }
    try {
      Files.writeString(dir.resolve("orders.md"), md.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UserError(dir.resolve("orders.md") + ": cannot write (" + e.getMessage() + ")");
    }
  }
}
