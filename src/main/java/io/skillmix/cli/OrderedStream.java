package io.skillmix.cli;

import io.skillmix.data.tokenizer.Tokenizer;
import io.skillmix.model.Generator;
import java.io.PrintWriter;
import java.util.Set;

/**
 * Streams the replies of one batch in prompt order: the first reply prints as its tokens come;
 * the others are held until the replies before them end, then print what they have so far and
 * stream on. The output is the same as generating the prompts one after another.
 */
final class OrderedStream implements Generator.Listener {

  private final PrintWriter out;
  private final TokenStream[] streams;
  private final StringBuilder[] held;
  private final boolean[] finished;
  private int current;

  OrderedStream(PrintWriter out, Tokenizer tokenizer, Set<Integer> stopIds, int prompts) {
    this.out = out;
    streams = new TokenStream[prompts];
    held = new StringBuilder[prompts];
    finished = new boolean[prompts];
    for (int i = 0; i < prompts; i++) {
      streams[i] = new TokenStream(tokenizer, stopIds);
      held[i] = new StringBuilder();
    }
  }

  @Override
  public void onToken(int sequence, int id, boolean last) {
    String text = streams[sequence].push(id);
    if (last) {
      text += streams[sequence].finish();
      finished[sequence] = true;
    }
    if (sequence == current) {
      out.print(text);
      advance();
      out.flush();
    } else {
      held[sequence].append(text);
    }
  }

  /** Ends every reply, including any that produced no token. */
  void finish() {
    for (int i = 0; i < streams.length; i++) {
      if (!finished[i]) {
        held[i].append(streams[i].finish());
        finished[i] = true;
      }
    }
    if (current < streams.length) {
      out.print(held[current]);
      held[current].setLength(0);
    }
    advance();
    out.flush();
  }

  private void advance() {
    while (current < streams.length && finished[current]) {
      out.println();
      current++;
      if (current < streams.length) {
        out.println(); // a blank line between replies
        out.print(held[current]);
        held[current].setLength(0);
      }
    }
  }
}
