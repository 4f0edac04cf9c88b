package dev.refinery.demo;

import dev.refinery.sample.Message;
import java.util.List;
import java.util.SplittableRandom;

/** Programming tasks answered with a short explanation and a fenced Python block. */
final class CodeRows {
  private record Task(String name, String does, String approach, String code) {}

  private static final Task[] TASKS = {
      new Task("reverse_words", "reverses the order of the words in a sentence",
          "Split on whitespace, reverse the list and join it back with single spaces.",
          "def reverse_words(sentence: str) -> str:\n    return \" \".join(reversed(sentence.split()))\n"),
      new Task("is_palindrome", "checks whether a string is a palindrome, ignoring case and "
          + "non-alphanumeric characters",
          "Keep only alphanumeric characters in lower case and compare the string with its reverse.",
          "def is_palindrome(text: str) -> bool:\n    cleaned = [c.lower() for c in text if c.isalnum()]\n"
          + "    return cleaned == cleaned[::-1]\n"),
      new Task("fibonacci", "returns the n-th Fibonacci number modulo 10**9 + 7",
          "Iterate with two running values; this is O(n) time and O(1) memory.",
          "MOD = 10**9 + 7\n\n\ndef fibonacci(n: int) -> int:\n    a, b = 0, 1\n    for _ in range(n):\n"
          + "        a, b = b, (a + b) % MOD\n    return a\n"),
      new Task("two_sum", "returns the indices of the two numbers in a list that add up to a target",
          "One pass with a dictionary from value to index finds the complement in O(n).",
          "def two_sum(nums: list[int], target: int) -> tuple[int, int] | None:\n    seen = {}\n"
          + "    for i, x in enumerate(nums):\n        if target - x in seen:\n"
          + "            return seen[target - x], i\n        seen[x] = i\n    return None\n"),
      new Task("flatten", "flattens an arbitrarily nested list of integers",
          "Recurse into sub-lists and yield plain integers as they come.",
          "def flatten(items):\n    for item in items:\n        if isinstance(item, list):\n"
          + "            yield from flatten(item)\n        else:\n            yield item\n"),
      new Task("count_vowels", "counts the vowels in a string",
          "A set lookup per character keeps this linear.",
          "VOWELS = set(\"aeiouAEIOU\")\n\n\ndef count_vowels(text: str) -> int:\n"
          + "    return sum(1 for c in text if c in VOWELS)\n"),
      new Task("merge_sorted", "merges two sorted lists into one sorted list",
          "Walk both lists with two pointers and append the smaller head each time.",
          "def merge_sorted(a: list[int], b: list[int]) -> list[int]:\n    i = j = 0\n    out = []\n"
          + "    while i < len(a) and j < len(b):\n        if a[i] <= b[j]:\n"
          + "            out.append(a[i]); i += 1\n        else:\n            out.append(b[j]); j += 1\n"
          + "    return out + a[i:] + b[j:]\n"),
      new Task("binary_search", "returns the index of a target in a sorted list, or -1",
          "Halve the search interval each step; this is O(log n).",
          "def binary_search(xs: list[int], target: int) -> int:\n    lo, hi = 0, len(xs) - 1\n"
          + "    while lo <= hi:\n        mid = (lo + hi) // 2\n        if xs[mid] == target:\n"
          + "            return mid\n        if xs[mid] < target:\n            lo = mid + 1\n"
          + "        else:\n            hi = mid - 1\n    return -1\n"),
      new Task("word_frequencies", "returns the k most frequent words of a text",
          "Count with collections.Counter and take most_common(k).",
          "from collections import Counter\n\n\ndef word_frequencies(text: str, k: int) -> list[tuple[str, int]]:\n"
          + "    return Counter(text.lower().split()).most_common(k)\n"),
      new Task("run_length_encode", "run-length encodes a string, e.g. \"aaab\" -> \"a3b1\"",
          "Scan once, counting how long each run of equal characters is.",
          "def run_length_encode(s: str) -> str:\n    if not s:\n        return \"\"\n    out = []\n"
          + "    run, count = s[0], 1\n    for c in s[1:]:\n        if c == run:\n            count += 1\n"
          + "        else:\n            out.append(f\"{run}{count}\")\n            run, count = c, 1\n"
          + "    out.append(f\"{run}{count}\")\n    return \"\".join(out)\n"),
  };

  private static final String[] CONSTRAINTS = {
      "", " The input can have up to 10^5 elements.", " Please include type hints.",
      " Keep it efficient and explain the complexity.", " Avoid using external libraries.",
  };

  private CodeRows() {}

  static Draft draft(SplittableRandom rng) {
    Task task = TASKS[rng.nextInt(TASKS.length)];
    String prompt = (rng.nextBoolean()
        ? "Write a Python function `" + task.name() + "` that " + task.does() + "."
        : "Implement `" + task.name() + "` in Python: it " + task.does() + ".")
        + Text.pick(rng, CONSTRAINTS);
    StringBuilder answer = new StringBuilder(task.code().length() + 600);
    answer.append(task.approach()).append(' ');
    Text.prose(rng, answer, Text.skewedLength(rng, 150, 0.8, 40, 2000));
    answer.append("\n\n```python\n").append(task.code()).append("```\n\n");
    answer.append("Happy to add tests for the edge cases if you need them.");
    return new Draft(List.of(Message.of(Message.USER, prompt)), answer.toString(),
        "writing " + task.name() + " in Python", "{}");
  }
}
