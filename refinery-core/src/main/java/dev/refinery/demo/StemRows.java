package dev.refinery.demo;

import dev.refinery.sample.Message;
import java.util.List;
import java.util.SplittableRandom;

/** Science and engineering questions: numeric ones with units, and multiple choice. */
final class StemRows {
  private record Choice(String field, String question, String correct, String[] wrong) {}

  private static final Choice[] CHOICES = {
      new Choice("biology", "Which organelle produces most of the ATP in eukaryotic cells?",
          "Mitochondrion", new String[] {"Ribosome", "Golgi apparatus", "Lysosome"}),
      new Choice("biology",
          "Which molecule carries amino acids to the ribosome during translation?",
          "tRNA", new String[] {"mRNA", "rRNA", "DNA polymerase"}),
      new Choice("biology", "In which phase of mitosis do sister chromatids separate?",
          "Anaphase", new String[] {"Prophase", "Metaphase", "Telophase"}),
      new Choice("chemistry", "Which bond type forms when electrons are shared equally?",
          "Nonpolar covalent bond", new String[] {"Ionic bond", "Hydrogen bond", "Metallic bond"}),
      new Choice("chemistry", "What is the oxidation state of sulfur in H2SO4?",
          "+6", new String[] {"+4", "-2", "+2"}),
      new Choice("physics", "Which quantity is conserved in a perfectly elastic collision but not "
          + "in an inelastic one?", "Kinetic energy", new String[] {"Momentum", "Mass", "Charge"}),
      new Choice("physics",
          "What happens to the wavelength of light when it enters glass from air?",
          "It decreases", new String[] {"It increases", "It stays the same", "It becomes zero"}),
      new Choice("engineering",
          "Which material property measures resistance to elastic deformation?",
          "Young's modulus", new String[] {"Yield strength", "Hardness", "Ductility"}),
  };

  private static final String[] LETTERS = {"A", "B", "C", "D"};

  private StemRows() {}

  static Draft draft(SplittableRandom rng) {
    return rng.nextInt(5) < 2 ? multipleChoice(rng) : numeric(rng);
  }

  private static Draft multipleChoice(SplittableRandom rng) {
    Choice c = CHOICES[rng.nextInt(CHOICES.length)];
    int correctAt = rng.nextInt(4);
    StringBuilder q = new StringBuilder(300).append(c.question()).append("\n\n");
    int w = 0;
    for (int i = 0; i < 4; i++) {
      q.append(LETTERS[i]).append(") ").append(i == correctAt ? c.correct() : c.wrong()[w++])
          .append('\n');
    }
    StringBuilder a = new StringBuilder(600);
    a.append("Let's go through the options one at a time.\n\n");
    Text.prose(rng, a, Text.skewedLength(rng, 250, 0.7, 60, 2500));
    a.append("\n\nThe correct option is ").append(c.correct()).append(".\n\nThe answer is (")
        .append(LETTERS[correctAt]).append(").");
    return new Draft(List.of(Message.of(Message.USER, q.toString().strip())), a.toString(),
        c.field() + ": " + c.question(), "{}");
  }

  private static Draft numeric(SplittableRandom rng) {
    String question;
    String working;
    String result;
    String field;
    switch (rng.nextInt(4)) {
      case 0 -> {
        int v = rng.nextInt(5, 60);
        int t = rng.nextInt(2, 20);
        field = "physics";
        question = "A car accelerates uniformly from rest to " + v + " m/s in " + t
            + " s. What is its acceleration?";
        working = "Acceleration is the change in velocity over time: a = " + v + " / " + t + ".";
        result = Text.decimal2((double) v / t) + " m/s^2";
      }
      case 1 -> {
        int grams = rng.nextInt(9, 500);
        field = "chemistry";
        question = "How many moles of water are in " + grams + " g of water? (M = 18.02 g/mol)";
        working = "n = m / M = " + grams + " / 18.02.";
        result = Text.decimal2(grams / 18.02) + " mol";
      }
      case 2 -> {
        int ohms = rng.nextInt(10, 1000);
        double amps = rng.nextInt(1, 500) / 100.0;
        field = "engineering";
        question = "A " + ohms + " ohm resistor carries a current of " + Text.decimal2(amps)
            + " A. What voltage is across it, and what power does it dissipate?";
        working = "Ohm's law gives V = IR, and P = I^2 R.";
        result = Text.decimal2(amps * ohms) + " V and " + Text.decimal2(amps * amps * ohms) + " W";
      }
      default -> {
        int generations = rng.nextInt(3, 12);
        int start = rng.nextInt(1, 50) * 100;
        field = "biology";
        question = "A bacterial culture of " + start + " cells doubles every generation. How many "
            + "cells are there after " + generations + " generations?";
        working = "N = N0 * 2^g = " + start + " * 2^" + generations + ".";
        result = Long.toString((long) start << generations) + " cells";
      }
    }
    StringBuilder a = new StringBuilder(600);
    a.append("1. ").append(working).append("\n2. ");
    Text.prose(rng, a, Text.skewedLength(rng, 200, 0.7, 40, 2000));
    a.append("\n3. Putting the numbers in gives the result.\n\n**Answer:** ").append(result);
    return new Draft(List.of(Message.of(Message.USER, question)), a.toString(),
        field + ": " + question, "{}");
  }
}
