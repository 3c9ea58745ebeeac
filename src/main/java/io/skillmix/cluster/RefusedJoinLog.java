package io.skillmix.cluster;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Keeps the console of a node that another run's seed node refused to one line (logback.xml).
 * Pekko logs the refusal as an error that speaks of deploying a new version, then warns about the
 * connections it drops while it shuts down; {@link NodeSystem#refusedJoin} says what happened
 * instead. So once Pekko has logged the refusal, its warnings are dropped; its errors still print.
 */
public final class RefusedJoinLog extends TurboFilter {

  private volatile boolean refused;

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
      Throwable t) {
    if (format == null || !logger.getName().startsWith("org.apache.pekko.")) {
      return FilterReply.NEUTRAL;
    }
    if (format.contains("Couldn't join seed nodes because of incompatible cluster configuration")
        || format.contains("Cluster validated this node config, but sent back incompatible settings")) {
      refused = true;
      return FilterReply.DENY;
    }
    return refused && !level.isGreaterOrEqual(Level.ERROR) ? FilterReply.DENY : FilterReply.NEUTRAL;
  }
}
