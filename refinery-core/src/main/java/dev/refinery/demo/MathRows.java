package dev.refinery.demo;

import dev.refinery.internal.Json;
import dev.refinery.sample.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Math problems with worked, checkable answers ending in {@code \boxed{...}}. */
final class MathRows {
  private static final String[] STEP_LEADS = {
      "We start from what is given.", "Rewrite the condition.", "Simplify.",
      "Check the result.", "Combine the pieces.",
  };

  private MathRows() {}

  static Draft draft(SplittableRandom rng) {
    String problem;
    String result;
    List<String> steps = new ArrayList<>();
    switch (rng.nextInt(6)) {
      case 0 -> {
        int r1 = rng.nextInt(-9, 10);
        int r2 = rng.nextInt(-9, 10);
        problem = "Find all real solutions of x^2 " + signed(-(r1 + r2)) + "x " + signed(r1 * r2)
            + " = 0.";
        steps.add("Look for two numbers whose sum is " + (r1 + r2) + " and whose product is "
            + (r1 * r2) + ": they are " + r1 + " and " + r2 + ".");
        steps.add("So the polynomial factors as (x " + signed(-r1) + ")(x " + signed(-r2) + ").");
        result = r1 == r2 ? Integer.toString(r1) : Math.min(r1, r2) + ", " + Math.max(r1, r2);
      }
      case 1 -> {
        int n = rng.nextInt(10, 2000);
        problem = "Compute the sum of the first " + n + " positive integers.";
        steps.add("Use the formula n(n+1)/2 with n = " + n + ".");
        steps.add(n + " * " + (n + 1) + " / 2 = " + ((long) n * (n + 1) / 2) + ".");
        result = Long.toString((long) n * (n + 1) / 2);
      }
      case 2 -> {
        int a = rng.nextInt(2, 20);
        int k = rng.nextInt(5, 200);
        int m = rng.nextInt(3, 50);
        problem = "What is the remainder when " + a + "^" + k + " is divided by " + m + "?";
        steps.add("Work modulo " + m + " and reduce after every multiplication.");
        steps.add("Repeated squaring keeps the numbers small.");
        result = Long.toString(java.math.BigInteger.valueOf(a)
            .modPow(java.math.BigInteger.valueOf(k), java.math.BigInteger.valueOf(m)).longValue());
      }
      case 3 -> {
        int g = rng.nextInt(2, 30);
        int a = g * rng.nextInt(2, 40);
        int b = g * rng.nextInt(2, 40);
        problem = "Find the greatest common divisor of " + a + " and " + b + ".";
        steps.add("Apply the Euclidean algorithm to " + a + " and " + b + ".");
        result = Integer.toString(gcd(a, b));
      }
      case 4 -> {
        int red = rng.nextInt(2, 12);
        int blue = rng.nextInt(1, 12);
        int total = red + blue;
        problem = "A bag contains " + red + " red and " + blue + " blue marbles. Two marbles are "
            + "drawn without replacement. What is the probability that both are red?";
        long num = (long) red * (red - 1);
        long den = (long) total * (total - 1);
        long g = gcd(num, den);
        steps.add("P = (" + red + "/" + total + ") * (" + (red - 1) + "/" + (total - 1) + ").");
        steps.add("That is " + num + "/" + den + ", which reduces by " + g + ".");
        result = "\\frac{" + (num / g) + "}{" + (den / g) + "}";
      }
      default -> {
        int first = rng.nextInt(-20, 21);
        int d = rng.nextInt(1, 15);
        int n = rng.nextInt(5, 500);
        problem = "An arithmetic sequence starts with " + first + " and has common difference " + d
            + ". What is its " + n + "th term?";
        steps.add("The nth term is a_1 + (n - 1)d.");
        steps.add(first + " + " + (n - 1) + " * " + d + " = " + (first + (long) (n - 1) * d) + ".");
        result = Long.toString(first + (long) (n - 1) * d);
      }
    }
    StringBuilder answer = new StringBuilder(512);
    int extra = rng.nextInt(3);
    int step = 1;
    for (String s : steps) {
      answer.append("**Step ").append(step++).append(".** ").append(s).append("\n\n");
    }
    for (int i = 0; i < extra; i++) {
      answer.append("**Step ").append(step++).append(".** ").append(Text.pick(rng, STEP_LEADS))
          .append(' ');
      Text.sentence(rng, answer);
      answer.append("\n\n");
    }
    answer.append("Therefore, the answer is $\\boxed{").append(result).append("}$.");
    return new Draft(List.of(Message.of(Message.USER, problem)), answer.toString(), problem,
        Json.write(Map.of("expected_answer", result)));
  }

  private static String signed(long v) {
    return v < 0 ? "- " + (-v) : "+ " + v;
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return Math.abs(a);
  }

  private static int gcd(int a, int b) {
    return (int) gcd((long) a, (long) b);
  }
}
