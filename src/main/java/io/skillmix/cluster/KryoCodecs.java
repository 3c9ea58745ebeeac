package io.skillmix.cluster;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.skillmix.UserError;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;

/**
 * Kryo serializers for what records hold besides plain values: typed actor refs, stream refs,
 * exceptions and collections. Each is registered under one fixed id for a whole family of classes
 * (every {@code List}, every {@code ActorRef}), see {@link KryoRegistry}.
 */
final class KryoCodecs {

  private KryoCodecs() {}

  /** A typed {@link ActorRef} as its serialization format string, resolved back on the reader's node. */
  @SuppressWarnings("rawtypes")
  static final class ActorRefCodec extends Serializer<ActorRef> {
    private final Supplier<ActorRefResolver> resolver;

    ActorRefCodec(ExtendedActorSystem system) {
      // The resolver is an extension: look it up on first use, after the system has started.
      this.resolver = memoize(() -> ActorRefResolver.get(Adapter.toTyped(system)));
    }

    @Override
    public void write(Kryo kryo, Output output, ActorRef ref) {
      output.writeString(resolver.get().toSerializationFormat(ref));
    }

    @Override
    public ActorRef read(Kryo kryo, Input input, Class<? extends ActorRef> type) {
      return resolver.get().resolveActorRef(input.readString());
    }
  }

  /**
   * An object Pekko already knows how to serialize (a {@code SourceRef}, a {@code SinkRef}):
   * written with Pekko's own serializer for it, as serializer id, manifest and bytes.
   */
  static final class PekkoCodec extends Serializer<Object> {
    private final Supplier<Serialization> serialization;

    PekkoCodec(ExtendedActorSystem system) {
      this.serialization = memoize(() -> SerializationExtension.get(system));
    }

    @Override
    public void write(Kryo kryo, Output output, Object object) {
      org.apache.pekko.serialization.Serializer serializer = serialization.get().findSerializerFor(object);
      byte[] bytes = serializer.toBinary(object);
      output.writeVarInt(serializer.identifier(), true);
      output.writeString(Serializers.manifestFor(serializer, object));
      output.writeVarInt(bytes.length, true);
      output.writeBytes(bytes);
    }

    @Override
    public Object read(Kryo kryo, Input input, Class<?> type) {
      int serializerId = input.readVarInt(true);
      String manifest = input.readString();
      byte[] bytes = input.readBytes(input.readVarInt(true));
      Object value = serialization.get().deserialize(bytes, serializerId, manifest).get();
      // Only what the family's row stands for: the bytes must not pick an arbitrary class.
      if (!type.isInstance(value)) {
        throw new IllegalArgumentException("expected a " + type.getName() + ", got " + value.getClass().getName());
      }
      return value;
    }
  }

  /**
   * Any exception, as text: it comes back as a {@link RemoteFailure}, or as a {@link UserError}
   * with the same message when it was one (the CLI's exit code depends on it).
   */
  static final class ThrowableCodec extends Serializer<Throwable> {
    @Override
    public void write(Kryo kryo, Output output, Throwable error) {
      StringWriter trace = new StringWriter();
      error.printStackTrace(new PrintWriter(trace));
      String remoteClass = error instanceof RemoteFailure remote ? remote.remoteClass() : error.getClass().getName();
      String message = error instanceof RemoteFailure remote ? remote.remoteMessage() : error.getMessage();
      output.writeString(remoteClass);
      output.writeString(message);
      output.writeString(error instanceof RemoteFailure remote ? remote.remoteStackTrace() : trace.toString());
    }

    @Override
    public Throwable read(Kryo kryo, Input input, Class<? extends Throwable> type) {
      String remoteClass = input.readString();
      String message = input.readString();
      String trace = input.readString();
      if (remoteClass.equals(UserError.class.getName())) {
        return new UserError(message);
      }
      return new RemoteFailure(remoteClass, message, trace);
    }
  }

  /** Any list; read back as an unmodifiable list in the same order (nulls allowed). */
  @SuppressWarnings("rawtypes")
  static final class ListCodec extends Serializer<List> {
    ListCodec() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, List list) {
      output.writeVarInt(list.size(), true);
      for (Object element : list) {
        kryo.writeClassAndObject(output, element);
      }
    }

    @Override
    public List read(Kryo kryo, Input input, Class<? extends List> type) {
      int size = input.readVarInt(true);
      List<Object> list = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        list.add(kryo.readClassAndObject(input));
      }
      return Collections.unmodifiableList(list);
    }
  }

  /** Any set; read back as an unmodifiable set in the same iteration order. */
  @SuppressWarnings("rawtypes")
  static final class SetCodec extends Serializer<Set> {
    SetCodec() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, Set set) {
      output.writeVarInt(set.size(), true);
      for (Object element : set) {
        kryo.writeClassAndObject(output, element);
      }
    }

    @Override
    public Set read(Kryo kryo, Input input, Class<? extends Set> type) {
      int size = input.readVarInt(true);
      Set<Object> set = new LinkedHashSet<>();
      for (int i = 0; i < size; i++) {
        set.add(kryo.readClassAndObject(input));
      }
      return Collections.unmodifiableSet(set);
    }
  }

  /** Any map; read back as an unmodifiable map in the same iteration order. */
  @SuppressWarnings("rawtypes")
  static final class MapCodec extends Serializer<Map> {
    MapCodec() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, Map map) {
      output.writeVarInt(map.size(), true);
      for (Object o : map.entrySet()) {
        Map.Entry entry = (Map.Entry) o;
        kryo.writeClassAndObject(output, entry.getKey());
        kryo.writeClassAndObject(output, entry.getValue());
      }
    }

    @Override
    public Map read(Kryo kryo, Input input, Class<? extends Map> type) {
      int size = input.readVarInt(true);
      Map<Object, Object> map = new LinkedHashMap<>();
      for (int i = 0; i < size; i++) {
        Object key = kryo.readClassAndObject(input);
        map.put(key, kryo.readClassAndObject(input));
      }
      return Collections.unmodifiableMap(map);
    }
  }

  private static <T> Supplier<T> memoize(Supplier<T> supplier) {
    return new Supplier<>() {
      private volatile T value;

      @Override
      public T get() {
        T v = value;
        if (v == null) {
          v = supplier.get();
          value = v;
        }
        return v;
      }
    };
  }
}
