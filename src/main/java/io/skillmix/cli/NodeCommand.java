package io.skillmix.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import io.skillmix.UserError;
import io.skillmix.cluster.NodePort;
import io.skillmix.cluster.Role;
import io.skillmix.cluster.RunId;
import io.skillmix.config.ConfigLoader;
import io.skillmix.node.ClusterPeers;
import io.skillmix.node.ServingNode;
import io.skillmix.run.ActorHooks;
import io.skillmix.run.RunPreparation;
import io.skillmix.run.TrainingRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code skillmix node --role ROLE [--config cluster-conf/FILE.conf] [RUN.conf] [key=value ...]}
 * and {@code skillmix node --role ROLE --resume RUN_DIR [--config FILE] [key=value ...]}: one node
 * of a cluster run. The learner node runs the job (or resumes it from its newest checkpoint) and
 * exits with its status; a data or evaluator node serves until the learner has left the cluster.
 * Every node of a resumed run takes {@code --resume} with the same folder and overrides, so all
 * derive the same run config (and run id) from the run's recorded config.conf.
 */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Run one node of a cluster: learner (runs the job), evaluator or data (serve the learner).")
public final class NodeCommand implements Runnable {

  @Option(names = "--role", required = true, paramLabel = "ROLE",
      description = "learner, evaluator or data.")
  String role;

  @Option(names = "--config", paramLabel = "FILE",
      description = "The node's cluster config (address, port, seed nodes), e.g. cluster-conf/learner.conf;"
          + " it wins over RUN.conf, and key=value overrides win over both. Repeat it to add files"
          + " (cluster-conf/tls.conf), each winning over those before.")
  List<Path> clusterConfigs = new ArrayList<>();

  @Option(names = "--resume", paramLabel = "RUN_DIR",
      description = "Continue the cluster run in RUN_DIR from its newest checkpoint: give it to every node (with"
          + " the same key=value overrides); the run's config.conf is the run config.")
  Path resume;

  @Parameters(paramLabel = "[RUN.conf] [key=value...]",
      description = "The run's config (the same on every node), then key=value overrides.")
  List<String> args = new ArrayList<>();

  @Override
  public void run() {
    Role parsed = Role.parse(role, "--role");
    if (parsed == Role.ALL) {
      throw new UserError("--role all: a single JVM needs no node; run `skillmix train` instead");
    }
    ConfigArgs runArgs = ConfigArgs.parse(args, "run config file");
    List<String> overrides = new ArrayList<>();
    if (resume != null) {
      if (runArgs.file() != null) {
        throw new UserError("--resume takes the run folder and key=value overrides only (its config.conf is the"
            + " run config)");
      }
      // The node's cluster files, as overrides on top of the recorded config: they still win over it.
      if (!clusterConfigs.isEmpty()) {
        overrides.addAll(asOverrides(clusterConfigs));
      }
    }
    overrides.addAll(runArgs.overrides());
    overrides.add("cluster.role=" + parsed.key());
    Config config;
    if (resume != null) {
      config = RunPreparation.resumedConfig(resume, overrides, new ArrayList<>());
    } else {
      List<Path> files = new ArrayList<>();
      if (runArgs.file() != null) {
        files.add(runArgs.file());
      }
      files.addAll(clusterConfigs);
      config = ConfigLoader.loadFiles(files, overrides);
    }
    // Before the run folder or the data: a busy port, or a bad run id, is one line.
    NodePort.requireFree(config);
    RunId.of(config);
    if (parsed != Role.LEARNER) {
      ServingNode.serve(config);
      return;
    }
    TrainingRun.Handle handle = resume != null
        ? TrainingRun.resume(resume, overrides, ClusterPeers.FINDER)
        : TrainingRun.start(config, ActorHooks.NONE, ClusterPeers.FINDER);
    handle.notices().forEach(System.out::println);
    TrainCommand.report(TrainCommand.stopOnSignal(handle, NodeCommand::resumeLine), NodeCommand::resumeLine);
  }

  /** How a stopped cluster run goes on: every node resumes from the run folder. */
  static String resumeLine(TrainingRun.Outcome outcome) {
    return "stopped at step " + outcome.steps() + "; resume with: scripts/cluster-local --resume " + outcome.runDir()
        + " (or `skillmix node --role ROLE --resume " + outcome.runDir() + "` on each node)";
  }

  /**
   * What the node's cluster files set, as key=value overrides in a stable order: each file read as
   * any config file is read (includes checked, the environment's values substituted), and every key
   * whose value differs from the defaults kept.
   */
  static List<String> asOverrides(List<Path> files) {
    Config with = ConfigLoader.loadFiles(files, List.of());
    Config without = ConfigLoader.loadFiles(List.of(), List.of());
    java.util.TreeMap<String, String> set = new java.util.TreeMap<>();
    for (Map.Entry<String, com.typesafe.config.ConfigValue> e : with.entrySet()) {
      String value = e.getValue().render(ConfigRenderOptions.concise());
      String key = e.getKey();
      if (!without.hasPath(key) || !without.getValue(key).render(ConfigRenderOptions.concise()).equals(value)) {
        set.put(ConfigUtil.joinPath(ConfigUtil.splitPath(key)), value);
      }
    }
    List<String> out = new ArrayList<>();
    set.forEach((key, value) -> out.add(key + "=" + value));
    return out;
  }
}
