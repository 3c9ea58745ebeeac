package io.skillmix.cli;

import com.typesafe.config.Config;
import io.skillmix.UserError;
import io.skillmix.cluster.NodePort;
import io.skillmix.cluster.Role;
import io.skillmix.cluster.RunId;
import io.skillmix.config.ConfigLoader;
import io.skillmix.cluster.node.ServingNode;
import io.skillmix.run.TrainingRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code skillmix node --role ROLE [--config cluster-conf/FILE.conf] [RUN.conf] [key=value ...]}:
 * one node of a cluster run. The learner node runs the training job and exits with its status;
 * a data or evaluator node serves until the learner has left the cluster.
 */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Run one node of a cluster: learner (runs the job), evaluator or data (serve the learner).")
public final class NodeCommand implements Runnable {

  @Option(names = "--role", required = true, paramLabel = "ROLE",
      description = "learner, evaluator or data.")
  String role;

  @Option(names = "--config", paramLabel = "FILE",
      description = "The node's cluster config (address, port, seed nodes), e.g. cluster-conf/learner.conf;"
          + " it wins over RUN.conf, and key=value overrides win over both.")
  Path clusterConfig;

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
    List<Path> files = new ArrayList<>();
    if (runArgs.file() != null) {
      files.add(runArgs.file());
    }
    List<String> overrides = new ArrayList<>(runArgs.overrides());
    if (clusterConfig != null) {
      files.add(clusterConfig);
    }
    overrides.add("cluster.role=" + parsed.key());
    Config config = ConfigLoader.loadFiles(files, overrides);
    // Before the run folder or the data: a busy port, or a bad run id, is one line.
    NodePort.requireFree(config);
    RunId.of(config);
    if (parsed == Role.LEARNER) {
      TrainCommand.report(TrainCommand.stopOnSignal(TrainingRun.start(config, io.skillmix.run.ActorHooks.NONE, io.skillmix.cluster.node.ClusterPeers.FINDER)));
    } else {
      ServingNode.serve(config);
    }
  }
}
