package io.skillmix.data.builtin;

import io.skillmix.UserError;
import io.skillmix.data.Conversation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Splits candidates into held-out and training examples with no word in both. */
final class HeldOutSplit {

  private HeldOutSplit() {}

  /**
   * Walks the candidates in order: a word seen first goes to held-out until that split is full,
   * then to training; later candidates follow their word's split and are dropped when it is full.
   *
   * @param candidates already in a seeded random order
   */
  static BuiltinDataset split(String name, Iterator<Candidate> candidates, int train, int heldOut) {
    List<Conversation> trainList = new ArrayList<>(train);
    List<Conversation> heldList = new ArrayList<>(heldOut);
    Set<String> heldWords = new HashSet<>();
    Set<String> trainWords = new HashSet<>();
    while (candidates.hasNext() && (trainList.size() < train || heldList.size() < heldOut)) {
      Candidate c = candidates.next();
      boolean held = heldWords.contains(c.word());
      if (!held && !trainWords.contains(c.word())) {
        held = heldList.size() < heldOut;
        (held ? heldWords : trainWords).add(c.word());
      }
      List<Conversation> target = held ? heldList : trainList;
      if (target.size() < (held ? heldOut : train)) {
        target.add(c.conversation());
      }
    }
    if (trainList.size() < train || heldList.size() < heldOut) {
      throw new UserError("data.builtin.total is too large: the built-in '" + name
          + "' set can give only " + (trainList.size() + heldList.size()) + " of the "
          + (train + heldOut) + " examples asked for; lower data.builtin.total");
    }
    return new BuiltinDataset(name, trainList, heldList);
  }
}
