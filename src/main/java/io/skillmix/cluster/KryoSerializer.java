package io.skillmix.cluster;

import io.skillmix.CrossNode;
import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.JSerializer;

/**
 * Pekko's serializer for {@link CrossNode} messages: Kryo with registration required and the
 * fixed ids of {@link KryoRegistry}. Pekko builds one per actor system; it is shared by every
 * thread, so Kryo instances (not thread-safe) come from a pool.
 */
public final class KryoSerializer extends JSerializer {

  /** Pekko's id for this serializer; fixed, because it travels with every message. */
  public static final int IDENTIFIER = 740001;

  private final Pool<Kryo> kryos;

  public KryoSerializer(ExtendedActorSystem system) {
    int cores = Runtime.getRuntime().availableProcessors();
    this.kryos = new Pool<>(true, false, Math.max(4, 2 * cores)) {
      @Override
      protected Kryo create() {
        return KryoRegistry.newKryo(system);
      }
    };
  }

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  /** Kryo writes the class id itself. */
  @Override
  public boolean includeManifest() {
    return false;
  }

  @Override
  public byte[] toBinary(Object message) {
    Kryo kryo = kryos.obtain();
    try (Output output = new Output(4096, -1)) {
      kryo.writeClassAndObject(output, message);
      return output.toBytes();
    } finally {
      kryos.free(kryo);
    }
  }

  @Override
  public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
    Kryo kryo = kryos.obtain();
    try (Input input = new Input(bytes)) {
      return kryo.readClassAndObject(input);
    } finally {
      kryos.free(kryo);
    }
  }
}
