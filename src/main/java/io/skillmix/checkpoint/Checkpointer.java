package io.skillmix.checkpoint;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Owns the checkpoint protocol. When the learner has written its own files (the model and the
 * optimizer, which live on its thread) into a pending checkpoint folder, it sends {@link Take}; the
 * checkpointer asks every other stateful actor for its {@link ComponentState}, waits for them at
 * most {@code deadline}, writes {@code state.json}, makes the folder durable and answers
 * {@link Saved} — or {@link Failed}, naming who did not answer, and nothing is left half written.
 */
public final class Checkpointer extends AbstractBehavior<Checkpointer.Command> {

  public sealed interface Command {}

  /**
   * Write the checkpoint after {@code step} steps.
   *
   * @param pending the folder the learner has filled with its files
   * @param learner the learner's own state as JSON
   */
  public record Take(long step, Checkpoints.Pending pending, String learner, ActorRef<Result> replyTo)
      implements Command {}

  /** How a checkpoint ended. */
  public sealed interface Result {}

  public record Saved(long step, Path folder) implements Result {}

  public record Failed(long step, String reason) implements Result {}

  /**
   * A stateful actor of the run other than the learner.
   *
   * @param name its component name in the checkpoint (see {@link ComponentState#component})
   * @param ask sends the actor its own request for state, answering to the given ref
   */
  public record Participant(String name, Consumer<ActorRef<ComponentState>> ask) {}

  private record Part(ComponentState state) implements Command {}

  private record Deadline(long step) implements Command {}

  public static Behavior<Command> create(List<String> datasetNames, List<Participant> participants,
      Duration deadline) {
    return Behaviors.withTimers(timers -> Behaviors.setup(context ->
        new Checkpointer(context, timers, datasetNames, participants, deadline)));
  }

  private final TimerScheduler<Command> timers;
  private final List<String> datasetNames;
  private final List<Participant> participants;
  private final Duration deadline;
  private final ActorRef<ComponentState> replies;
  private Take current;
  private final Map<String, String> received = new LinkedHashMap<>();

  private Checkpointer(ActorContext<Command> context, TimerScheduler<Command> timers, List<String> datasetNames,
      List<Participant> participants, Duration deadline) {
    super(context);
    this.timers = timers;
    this.datasetNames = List.copyOf(datasetNames);
    this.participants = List.copyOf(participants);
    this.deadline = deadline;
    this.replies = context.messageAdapter(ComponentState.class, Part::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Take.class, this::onTake)
        .onMessage(Part.class, this::onPart)
        .onMessage(Deadline.class, this::onDeadline)
        .build();
  }

  private Behavior<Command> onTake(Take take) {
    if (current != null) {
      take.replyTo().tell(new Failed(take.step(), "a checkpoint is already being written (step " + current.step() + ")"));
      return this;
    }
    current = take;
    received.clear();
    received.put(CheckpointState.LEARNER, take.learner());
    participants.forEach(p -> p.ask().accept(replies));
    timers.startSingleTimer(new Deadline(take.step()), deadline);
    return completeIfAll();
  }

  private Behavior<Command> onPart(Part part) {
    if (current != null) {
      received.put(part.state().component(), part.state().json());
    }
    return completeIfAll();
  }

  private Behavior<Command> onDeadline(Deadline late) {
    if (current == null || current.step() != late.step()) {
      return this;
    }
    TreeSet<String> missing = new TreeSet<>();
    participants.forEach(p -> {
      if (!received.containsKey(p.name())) {
        missing.add(p.name());
      }
    });
    return fail("no state from " + String.join(", ", missing) + " within " + deadline.toSeconds()
        + " s (train.checkpoint-timeout)");
  }

  private Behavior<Command> completeIfAll() {
    if (current == null || received.size() < participants.size() + 1) {
      return this;
    }
    Take take = current;
    try {
      new CheckpointState(CheckpointState.FORMAT, take.step(), datasetNames, received).write(take.pending().folder());
      Path folder = take.pending().commit();
      timers.cancel(new Deadline(take.step()));
      current = null;
      take.replyTo().tell(new Saved(take.step(), folder));
    } catch (RuntimeException e) {
      return fail(e.getMessage() == null ? e.toString() : e.getMessage());
    }
    return this;
  }

  private Behavior<Command> fail(String reason) {
    Take take = current;
    current = null;
    timers.cancel(new Deadline(take.step()));
    take.pending().abandon();
    take.replyTo().tell(new Failed(take.step(), "checkpoint at step " + take.step() + ": " + reason));
    return this;
  }
}
