package dev.refinery.demo;

import dev.refinery.sample.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Multi-turn conversations (2 to 4 user turns), some opening with the card's system prompt. */
final class ChatRows {
  /** The system prompt the v1 card shows for its chat split. */
  static final String SYSTEM_PROMPT = "You are a helpful and friendly AI assistant.";

  private static final String[] TOPICS = {
      "learning to cook", "saving money", "training for a 10k run", "learning Spanish",
      "keeping houseplants alive", "writing a cover letter", "planning a trip to Japan",
      "sleeping better", "starting a vegetable garden", "taking better photos with a phone",
  };

  private static final String[] OPENERS = {
      "Can you give me some tips for %s?", "I'm new to %s. Where should I start?",
      "What are the most common mistakes people make when %s?",
      "Could you write a short poem about %s?", "How long does it usually take to get good at %s?",
  };

  private static final String[] FOLLOW_UPS = {
      "Thanks! Can you make that shorter?", "Why is that?", "Can you give me a concrete example?",
      "What would you recommend for a complete beginner?", "That's helpful. Anything else?",
      "Could you put that in a list?", "How would that change if I only had an hour a week?",
  };

  private ChatRows() {}

  static Draft draft(SplittableRandom rng) {
    String topic = Text.pick(rng, TOPICS);
    List<Message> turns = new ArrayList<>(8);
    if (rng.nextBoolean()) {
      turns.add(Message.of(Message.SYSTEM, SYSTEM_PROMPT));
    }
    int userTurns = 2 + rng.nextInt(3);
    turns.add(Message.of(Message.USER, Text.pick(rng, OPENERS).replace("%s", topic)));
    for (int i = 1; i < userTurns; i++) {
      turns.add(Message.of(Message.ASSISTANT, reply(rng)));
      turns.add(Message.of(Message.USER, Text.pick(rng, FOLLOW_UPS)));
    }
    return new Draft(turns, reply(rng), "a conversation about " + topic, "{}");
  }

  private static String reply(SplittableRandom rng) {
    StringBuilder out = new StringBuilder(800);
    if (rng.nextInt(3) == 0) {
      out.append("Here are a few ideas:\n\n");
      int items = 3 + rng.nextInt(4);
      for (int i = 1; i <= items; i++) {
        out.append(i).append(". ");
        Text.sentence(rng, out);
        out.append('\n');
      }
      out.append('\n');
    }
    Text.prose(rng, out, Text.skewedLength(rng, 350, 0.9, 60, 4000));
    return out.toString();
  }
}
