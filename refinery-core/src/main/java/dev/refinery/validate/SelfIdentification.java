package dev.refinery.validate;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds a model naming itself: "I am Qwen", "I'm DeepSeek", "As Qwen,", "I am a large language
 * model created by Alibaba Cloud", "I am Claude, an AI assistant made by Anthropic", "我是通义千问".
 * Every pattern needs the first person (or the "As X," opener) so that a neutral sentence about a
 * model ("the Qwen model was trained by Alibaba Cloud") does not count. Names that are also
 * ordinary words ("Claude" Monet, the sign "Gemini", the animal "Llama", to "grok") count only
 * together with their own maker in the same sentence, introduced as the maker ("made by
 * Anthropic", "from Meta", "Google's"): "I am Gemini, a model trained by Google", never a bare
 * "I am a Gemini".
 */
final class SelfIdentification {
  private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
  private static final String MODEL =
      "(?:qwen|qwq|tongyi(?:\\s+qianwen)?|deepseek|chatgpt|gpt-?[345](?:\\.5)?(?:-?o)?|"
          + "ernie\\s+bot|mistral|mixtral|nemotron)";
  private static final String MAKER =
      "(?:alibaba(?:\\s+(?:cloud|group))?|openai|deepseek|anthropic|google(?:\\s+deepmind)?|"
          + "deepmind|mistral\\s+ai|nvidia|meta(?!-)(?:\\s+ai)?|xai)";
  private static final String CN_MODEL =
      "(?:qwen|qwq|deepseek|chatgpt|nemotron|通义千问|通义|千问|文心一言|深度求索)";
  private static final String CN_MAKER =
      "(?:阿里(?:巴巴|云)|深度求索|百度|英伟达|alibaba(?:\\s+cloud)?|openai|deepseek|nvidia)";
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

  /** What may stand between "I am" and a name: "I am the AI assistant called X". */
  private static final String LEAD = "\\s+(?:(?:an?|the)\\s+)?(?:(?:ai|language|chat)\\s+"
      + "(?:assistant|model|bot)\\s+)?(?:(?:called|named)\\s+)?";
  /** The rest of the sentence: a '.' counts as its end only before a space or the end. */
  private static final String SAME_SENTENCE = "(?:[^.!?\\n]|[.!?](?!\\s|$)){0,80}?";

  /**
   * "I am Claude, ... made by Anthropic": a name that is also an ordinary word, then its own maker
   * later in the sentence, after "by" or "from" or as "Maker's".
   */
  private static Pattern family(String name, String maker) {
    String byMaker = "(?:\\b(?:by|from)\\s+(?:the\\s+)?" + maker + "\\b|\\b" + maker
        + "['’]s\\b)";
    return Pattern.compile("(?:" + I_AM + LEAD + "|\\bmy\\s+name\\s+is\\s+)" + name + "\\b"
        + SAME_SENTENCE + byMaker + "|(?:^|[.!?\\n]\\s*)as\\s+" + name + "\\s*," + SAME_SENTENCE
        + byMaker, FLAGS);
  }

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
      Pattern.compile(CN_MAKER + "\\s*" + CN_MADE + "了我", FLAGS),
      family("claude", "anthropic"),
      family("llama", "(?:meta(?:\\s+ai)?|facebook)"),
      family("gemini", "(?:google(?:\\s+deepmind)?|deepmind)"),
      family("grok", "(?:xai|x\\.ai)"));

  /**
   * Every pattern above needs one of these model or maker names, so a text that contains none of
   * them is ruled out in one cheap scan before the patterns run: most answers name no model.
   * SelfIdentificationTest checks that every positive example's match holds one of them.
   */
  private static final String[] NAMES = {"qwen", "qwq", "tongyi", "deepseek", "chatgpt", "gpt",
      "ernie", "mistral", "mixtral", "nemotron", "claude", "llama", "gemini", "grok", "alibaba",
      "openai", "anthropic", "google", "deepmind", "nvidia", "meta", "xai", "通义", "千问",
      "文心一言", "深度求索", "阿里", "百度", "英伟达"};
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
    return firstMatch(text) != null;
  }

  /** The text the first matching pattern found, without the {@link #mentionsAName} shortcut. */
  static String firstMatch(String text) {
    for (Pattern p : PATTERNS) {
      Matcher m = p.matcher(text);
      if (m.find()) {
        return m.group();
      }
    }
    return null;
  }
}
