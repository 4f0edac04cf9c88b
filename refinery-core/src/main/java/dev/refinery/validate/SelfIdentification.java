package dev.refinery.validate;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Finds a model naming itself: "I am Qwen", "I'm DeepSeek", "As Qwen,", "I am a large language
 * model created by Alibaba Cloud", "我是通义千问". Every pattern needs the first person (or the
 * "As X," opener) so that a neutral sentence about a model ("the Qwen model was trained by
 * Alibaba Cloud") does not count. Names that are also ordinary words ("Claude", "Gemini" the
 * sign, "Llama") are matched only through their maker, never as "I am X".
 */
final class SelfIdentification {
  private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
  private static final String MODEL =
      "(?:qwen|qwq|tongyi(?:\\s+qianwen)?|deepseek|chatgpt|gpt-?[345](?:\\.5)?(?:-?o)?|"
          + "ernie\\s+bot|mistral|mixtral)";
  private static final String MAKER =
      "(?:alibaba(?:\\s+(?:cloud|group))?|openai|deepseek|anthropic|google(?:\\s+deepmind)?|"
          + "mistral\\s+ai)";
  private static final String CN_MODEL =
      "(?:qwen|qwq|deepseek|chatgpt|通义千问|通义|千问|文心一言|深度求索)";
  private static final String CN_MAKER =
      "(?:阿里(?:巴巴|云)|深度求索|百度|alibaba(?:\\s+cloud)?|openai|deepseek)";
  private static final String CN_MADE = "(?:开发|创建|创造|训练|研发|打造|推出|发明|制作)";
  /** "I am", "I'm", "I was", "I have been": the sentence is about the speaker. */
  private static final String I_AM =
      "\\b(?:i\\s+am|i['’]m|i\\s+was|i\\s+have\\s+been|i['’]ve\\s+been)";
  /**
   * A few words that describe an assistant ("a large language model"), from a closed list: an
   * open one would let "I was surprised the model created by OpenAI" through.
   */
  private static final String FILLER = "(?:(?:an?|the|large|large-scale|ultra-large|language|ai|"
      + "artificial|intelligence|model|assistant|chatbot|helpful|virtual|advanced|multimodal|llm|"
      + "originally|proudly)\\s+){0,6}";

  private static final List<Pattern> PATTERNS = List.of(
      // I am Qwen / I'm an AI assistant called DeepSeek / I am ChatGPT
      Pattern.compile(I_AM + "\\s+(?:(?:an?|the)\\s+)?(?:(?:ai|language|chat)\\s+"
          + "(?:assistant|model|bot)\\s+)?(?:(?:called|named)\\s+)?" + MODEL + "\\b", FLAGS),
      Pattern.compile("\\bmy\\s+name\\s+is\\s+" + MODEL + "\\b", FLAGS),
      Pattern.compile("(?:^|[.!?\\n]\\s*)as\\s+" + MODEL + "\\s*,", FLAGS),
      // I am a large language model created by Alibaba Cloud
      Pattern.compile(I_AM + "\\s+" + FILLER + "(?:created|developed|trained|built|made)"
          + "\\s+by\\s+" + MAKER + "\\b", FLAGS),
      // As an AI assistant developed by Alibaba Cloud, ...
      Pattern.compile("(?:^|[.!?\\n]\\s*)as\\s+" + FILLER + "(?:created|developed|trained|built|"
          + "made)\\s+by\\s+" + MAKER + "\\b", FLAGS),
      Pattern.compile("\\b(?:call|refer\\s+to)\\s+me\\s+(?:as\\s+)?" + MODEL + "\\b", FLAGS),
      // 我是通义千问 / 我名叫 Qwen / 我是人工智能助手 Qwen / 这里是 Qwen / 你可以叫我 Qwen; 作为 Qwen，
      Pattern.compile("(?:我(?:是|叫|名叫|名为|的名字(?:是|叫))[^。！？，,\\n]{0,10}?|这里是\\s*|"
          + "叫我\\s*|称呼我为?\\s*)" + CN_MODEL, FLAGS),
      Pattern.compile("作为\\s*" + CN_MODEL + "\\s*[，,]", FLAGS),
      // 我是阿里云开发的… / 我是由 Alibaba Cloud 创建的… / Alibaba Cloud 训练了我
      Pattern.compile("我是[^。！？\\n]{0,20}?" + CN_MAKER + "[^。！？\\n]{0,12}?" + CN_MADE, FLAGS),
      Pattern.compile(CN_MAKER + "\\s*" + CN_MADE + "了我", FLAGS));

  /**
   * Every pattern above needs one of these model or maker names, so a text that contains none of
   * them is ruled out in one cheap scan before the ten patterns run: most answers name no model.
   */
  private static final String[] NAMES = {"qwen", "qwq", "tongyi", "deepseek", "chatgpt", "gpt",
      "ernie", "mistral", "mixtral", "alibaba", "openai", "anthropic", "google", "通义", "千问",
      "文心一言", "深度求索", "阿里", "百度"};
  /** One lower-casing, then String.indexOf per name: an intrinsic, far cheaper than a regex. */
  static boolean mentionsAName(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    for (String name : NAMES) {
      if (lower.contains(name)) {
        return true;
      }
    }
    return false;
  }

  private SelfIdentification() {}

  static boolean matches(String text) {
    if (text == null || text.isEmpty() || !mentionsAName(text)) {
      return false;
    }
    for (Pattern p : PATTERNS) {
      if (p.matcher(text).find()) {
        return true;
      }
    }
    return false;
  }
}
