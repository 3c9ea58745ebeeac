package io.skillmix.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/** Sends values through {@link KryoSerializer} and compares them by content, arrays included. */
final class RoundTrip {

  private RoundTrip() {}

  static KryoSerializer serializer(ActorSystem<?> system) {
    return new KryoSerializer((ExtendedActorSystem) Adapter.toClassic(system));
  }

  static Object roundTrip(KryoSerializer serializer, Object value) {
    return serializer.fromBinary(serializer.toBinary(value));
  }

  static void assertSame(Object expected, Object actual) {
    assertTrue(same(expected, actual), () -> "round trip changed the value:\n  sent " + expected
        + "\n  got  " + actual);
  }

  /** Records by component, arrays by element, exceptions by class name and message. */
  static boolean same(Object a, Object b) {
    if (a == b) {
      return true;
    }
    if (a == null || b == null) {
      return false;
    }
    if (a.getClass().isArray()) {
      return b.getClass().isArray() && Objects.deepEquals(a, b);
    }
    if (a instanceof Throwable ta) {
      String bClass = b instanceof RemoteFailure r ? r.remoteClass() : b.getClass().getName();
      String bMessage = b instanceof RemoteFailure r ? r.remoteMessage() : ((Throwable) b).getMessage();
      return ta.getClass().getName().equals(bClass) && Objects.equals(ta.getMessage(), bMessage);
    }
    if (a.getClass().isRecord()) {
      if (a.getClass() != b.getClass()) {
        return false;
      }
      for (RecordComponent c : a.getClass().getRecordComponents()) {
        try {
          c.getAccessor().setAccessible(true);
          if (!same(c.getAccessor().invoke(a), c.getAccessor().invoke(b))) {
            return false;
          }
        } catch (ReflectiveOperationException e) {
          throw new AssertionError(e);
        }
      }
      return true;
    }
    if (a instanceof List<?> la) {
      if (!(b instanceof List<?> lb) || la.size() != lb.size()) {
        return false;
      }
      for (int i = 0; i < la.size(); i++) {
        if (!same(la.get(i), lb.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Map<?, ?> ma) {
      if (!(b instanceof Map<?, ?> mb) || ma.size() != mb.size()) {
        return false;
      }
      for (Map.Entry<?, ?> e : ma.entrySet()) {
        if (!mb.containsKey(e.getKey()) || !same(e.getValue(), mb.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }
}
