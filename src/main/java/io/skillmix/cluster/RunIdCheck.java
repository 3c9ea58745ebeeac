package io.skillmix.cluster;

import com.typesafe.config.Config;
import java.util.List;
import org.apache.pekko.cluster.ConfigValidation;
import org.apache.pekko.cluster.Invalid;
import org.apache.pekko.cluster.JoinConfigCompatChecker;
import org.apache.pekko.cluster.Valid;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Refuses a join between nodes of different runs. Pekko runs this check (registered in
 * reference.conf under {@code pekko.cluster.configuration-compatibility-check.checkers}) when a
 * node asks a seed node to join: the seed compares the joining node's {@code cluster.run-id} with
 * its own and, when they differ, answers that the configurations are incompatible; the joining
 * node then shuts down ({@link NodeSystem#refusedJoin} turns that into one line). A programmatic
 * {@code Join} skips this check; the run id in the receptionist keys still keeps the runs apart.
 */
public final class RunIdCheck extends JoinConfigCompatChecker {

  @Override
  public scala.collection.immutable.Seq<String> requiredKeys() {
    return CollectionConverters.asScala(List.of(RunId.KEY)).toSeq();
  }

  @Override
  public ConfigValidation check(Config toCheck, Config actualConfig) {
    String theirs = toCheck.hasPath(RunId.KEY) ? toCheck.getString(RunId.KEY) : "";
    String ours = actualConfig.hasPath(RunId.KEY) ? actualConfig.getString(RunId.KEY) : "";
    if (theirs.equals(ours)) {
      return Valid.getInstance();
    }
    String message = theirs.isEmpty()
        ? "the other node has no " + RunId.KEY + " (a skillmix build without run ids?); this node's is '" + ours + "'"
        : "the other node belongs to another run: its " + RunId.KEY + " is '" + theirs + "', this node's '" + ours
            + "'";
    return Invalid.apply(CollectionConverters.asScala(List.of(message)).toList());
  }
}
