package io.skillmix.data.builtin;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded generator of arithmetic word problems: a story about a person and things they count,
 * one to three operations (+, −, ×, ÷ with exact integer results), and a step-by-step solution.
 * Same seed, same problems.
 */
public final class MathProblems {

  private record Person(String name, String he, String him, String his) {}

  private record Thing(String plural, String container, String containers) {}

  private static final List<Person> PEOPLE = List.of(
      new Person("Ana", "she", "her", "her"), new Person("Ben", "he", "him", "his"),
      new Person("Chen", "he", "him", "his"), new Person("Dara", "she", "her", "her"),
      new Person("Elif", "she", "her", "her"), new Person("Farid", "he", "him", "his"),
      new Person("Grace", "she", "her", "her"), new Person("Hugo", "he", "him", "his"),
      new Person("Ines", "she", "her", "her"), new Person("Jonas", "he", "him", "his"),
      new Person("Kemi", "she", "her", "her"), new Person("Luis", "he", "him", "his"),
      new Person("Maya", "she", "her", "her"), new Person("Noah", "he", "him", "his"),
      new Person("Olga", "she", "her", "her"), new Person("Priya", "she", "her", "her"),
      new Person("Quinn", "he", "him", "his"), new Person("Rosa", "she", "her", "her"),
      new Person("Sami", "he", "him", "his"), new Person("Tara", "she", "her", "her"));

  private static final List<Thing> THINGS = List.of(
      new Thing("apples", "basket", "baskets"),
      new Thing("marbles", "jar", "jars"),
      new Thing("stickers", "album", "albums"),
      new Thing("pencils", "case", "cases"),
      new Thing("cookies", "tin", "tins"),
      new Thing("books", "bag", "bags"),
      new Thing("shells", "bucket", "buckets"),
      new Thing("cards", "box", "boxes"),
      new Thing("stamps", "album", "albums"),
      new Thing("eggs", "carton", "cartons"),
      new Thing("beads", "pouch", "pouches"),
      new Thing("oranges", "crate", "crates"),
      new Thing("toy cars", "box", "boxes"),
      new Thing("flowers", "vase", "vases"),
      new Thing("buttons", "tin", "tins"),
      new Thing("coins", "purse", "purses"),
      new Thing("muffins", "tray", "trays"),
      new Thing("candles", "drawer", "drawers"));

  private static final List<String> SHOPS = List.of(
      "market", "bakery", "toy shop", "corner store", "fair", "school sale", "bookshop", "garage sale");

  private final Random random;

  public MathProblems(long seed) {
    this.random = new Random(seed);
  }

  /** The next problem of the sequence. */
  public MathProblem next() {
    Person p = pick(PEOPLE);
    Thing t = pick(THINGS);
    Person friend = pick(PEOPLE);
    while (friend == p) {
      friend = pick(PEOPLE);
    }
    int operations = 1 + random.nextInt(3);
    StringBuilder story = new StringBuilder();
    StringBuilder solution = new StringBuilder();
    List<MathProblem.Step> steps = new ArrayList<>();
    long count;
    if (random.nextInt(3) == 0) {
      // Start with groups: the first operation is a multiplication.
      long groups = 2 + random.nextInt(8);
      long each = 2 + random.nextInt(11);
      count = groups * each;
      steps.add(new MathProblem.Step(groups, '×', each, count));
      story.append(cap(p.name())).append(" buys ").append(groups).append(' ').append(t.containers())
          .append(" of ").append(t.plural()).append(" at the ").append(pick(SHOPS))
          .append(", with ").append(each).append(' ').append(t.plural()).append(" in each.");
      solution.append(cap(p.name())).append(" starts with ").append(groups).append(" × ")
          .append(each).append(" = ").append(count).append(' ').append(t.plural()).append(".\n");
    } else {
      count = 5 + random.nextInt(56);
      story.append(cap(p.name())).append(" has ").append(count).append(' ').append(t.plural())
          .append(" in ").append(p.his()).append(' ').append(t.container()).append('.');
      solution.append(cap(p.name())).append(" starts with ").append(count).append(' ')
          .append(t.plural()).append(".\n");
    }
    while (steps.size() < operations) {
      long before = count;
      char op = chooseOp(count);
      long b;
      switch (op) {
        case '+' -> {
          b = 1 + random.nextInt(40);
          count = before + b;
          story.append(' ').append(pick(List.of(
              cap(friend.name()) + " gives " + p.him() + " " + b + " more.",
              cap(p.he()) + " buys " + b + " more at the " + pick(SHOPS) + ".",
              cap(p.he()) + " finds " + b + " more " + t.plural() + ".")));
          solution.append("Getting ").append(b).append(" more: ");
        }
        case '−' -> {
          b = 1 + random.nextInt((int) Math.min(before - 1, 40));
          count = before - b;
          story.append(' ').append(pick(List.of(
              cap(p.he()) + " gives " + b + " of them to " + friend.name() + ".",
              cap(p.he()) + " sells " + b + " at the " + pick(SHOPS) + ".",
              cap(p.he()) + " loses " + b + " of them.")));
          solution.append("Giving away ").append(b).append(": ");
        }
        case '×' -> {
          b = 2 + random.nextInt(4);
          count = before * b;
          story.append(' ').append(pick(List.of(
              "A month later " + p.he() + " has " + times(b) + " as many.",
              "By the end of the year " + p.his() + " collection is " + times(b) + " as big.",
              cap(p.he()) + " keeps collecting until " + p.he() + " has " + times(b)
                  + " as many as before.")));
          solution.append("Having ").append(times(b)).append(" as many: ");
        }
        default -> {
          b = divisor(before);
          count = before / b;
          story.append(' ').append(pick(List.of(
              cap(p.he()) + " shares them equally among " + b + " friends, " + p.he()
                  + " included, and keeps one share.",
              cap(p.he()) + " packs them into " + b + " equal bags and keeps one bag.",
              cap(p.he()) + " splits them into " + b + " equal groups and keeps one group.")));
          solution.append("Keeping one of ").append(b).append(" equal parts: ");
        }
      }
      steps.add(new MathProblem.Step(before, op, b, count));
      solution.append(before).append(' ').append(op).append(' ').append(b).append(" = ")
          .append(count).append(".\n");
    }
    story.append(' ').append(pick(List.of(
        "How many " + t.plural() + " does " + p.name() + " have now?",
        "How many " + t.plural() + " does " + p.he() + " have in the end?",
        "How many " + t.plural() + " are left with " + p.name() + "?")));
    solution.append("So ").append(p.name()).append(" has ").append(count).append(' ')
        .append(t.plural()).append(".\n#### ").append(count);
    return new MathProblem(story.toString(), steps, solution.toString());
  }

  /** An operation the current count allows: − needs at least 2, ÷ a divisor, × a small count. */
  private char chooseOp(long count) {
    while (true) {
      char op = "+−×÷".charAt(random.nextInt(4));
      if (op == '−' && count < 2 || op == '÷' && divisor(count) == 0 || op == '×' && count > 200) {
        continue;
      }
      return op;
    }
  }

  /** A random divisor of n between 2 and 10, or 0 when there is none. */
  private long divisor(long n) {
    List<Long> ds = new ArrayList<>();
    for (long d = 2; d <= 10 && d < n; d++) {
      if (n % d == 0) {
        ds.add(d);
      }
    }
    return ds.isEmpty() ? 0 : ds.get(random.nextInt(ds.size()));
  }

  private static String times(long b) {
    return switch ((int) b) {
      case 2 -> "twice";
      case 3 -> "three times";
      case 4 -> "four times";
      default -> "five times";
    };
  }

  private <T> T pick(List<T> list) {
    return list.get(random.nextInt(list.size()));
  }

  private static String cap(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
