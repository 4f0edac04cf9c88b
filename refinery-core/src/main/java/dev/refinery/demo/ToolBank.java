package dev.refinery.demo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** The functions tool_calling rows may declare in metadata.tools and call. */
final class ToolBank {
  /** A parameter: a string from {@code choices} (or an enum of them), or a number in a range. */
  record Param(String name, String type, String description, boolean required, boolean isEnum,
               String[] choices, int min, int max) {
    Object sample(SplittableRandom rng) {
      return switch (type) {
        case "integer" -> (long) rng.nextInt(min, max + 1);
        case "number" -> rng.nextInt(min * 100, max * 100 + 1) / 100.0;
        default -> Text.pick(rng, choices);
      };
    }
  }

  /** A field of the JSON result a tool returns: a number in a range or one of some strings. */
  record Field(String name, String[] choices, int min, int max) {
    Object sample(SplittableRandom rng) {
      return choices == null ? (Object) (long) rng.nextInt(min, max + 1) : Text.pick(rng, choices);
    }
  }

  /** @param prompt the user's request, with {@code {param}} where a required argument goes */
  record Tool(String name, String description, List<Param> params, String prompt,
              List<Field> result) {
    Map<String, Object> definition() {
      Map<String, Object> properties = new LinkedHashMap<>();
      List<String> required = new java.util.ArrayList<>();
      for (Param p : params) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", p.type());
        schema.put("description", p.description());
        if (p.isEnum()) {
          schema.put("enum", List.of(p.choices()));
        }
        properties.put(p.name(), schema);
        if (p.required()) {
          required.add(p.name());
        }
      }
      Map<String, Object> parameters = new LinkedHashMap<>();
      parameters.put("type", "object");
      parameters.put("properties", properties);
      parameters.put("required", required);
      Map<String, Object> function = new LinkedHashMap<>();
      function.put("name", name);
      function.put("description", description);
      function.put("parameters", parameters);
      Map<String, Object> tool = new LinkedHashMap<>();
      tool.put("type", "function");
      tool.put("function", function);
      return tool;
    }
  }

  private static final String[] CITIES = {"Paris, France", "Tokyo, Japan", "Austin, TX",
      "Nairobi, Kenya", "Berlin, Germany", "Sao Paulo, Brazil", "Toronto, Canada", "Mumbai, India"};
  private static final String[] CURRENCIES = {"USD", "EUR", "JPY", "GBP", "INR", "BRL", "CAD"};
  private static final String[] CONDITIONS = {"sunny", "partly cloudy", "overcast", "light rain",
      "thunderstorms", "snow"};

  static final List<Tool> TOOLS = List.of(
      new Tool("get_current_weather", "Get the current weather in a given location.",
          List.of(str("location", "The city and country, e.g. Paris, France", true, CITIES),
              enumOf("unit", "Temperature unit", false, "celsius", "fahrenheit")),
          "What's the weather like in {location} right now?",
          List.of(num("temperature", -10, 38), pick("condition", CONDITIONS),
              num("humidity", 10, 100))),
      new Tool("web_search", "Search the web and return the top results.",
          List.of(str("query", "The search query", true, "best hiking trails near Denver",
                  "latest Java LTS release", "how do solar panels work", "cheap flights to Lisbon"),
              integer("num_results", "How many results to return", false, 1, 10)),
          "Can you search the web for \"{query}\"?",
          List.of(pick("top_result", "Wikipedia", "a news article", "an official site"),
              num("total_results", 3, 90000))),
      new Tool("calculate", "Evaluate an arithmetic expression.",
          List.of(str("expression", "The expression to evaluate", true, "17 * 23 + 4",
              "(1200 - 350) / 5", "2 ** 16", "sqrt(144) + 3")),
          "Please calculate {expression}.",
          List.of(num("result", 1, 70000))),
      new Tool("create_calendar_event", "Create an event in the user's calendar.",
          List.of(str("title", "Event title", true, "Dentist appointment", "Team sync",
                  "Dinner with Sam", "Quarterly review"),
              str("start_time", "Start time in ISO 8601", true, "2025-03-14T09:30:00",
                  "2025-06-02T15:00:00", "2025-11-20T18:45:00"),
              integer("duration_minutes", "Length of the event in minutes", false, 15, 180)),
          "Add \"{title}\" to my calendar at {start_time}.",
          List.of(pick("status", "created", "created"), pick("calendar", "Personal", "Work"))),
      new Tool("convert_currency", "Convert an amount from one currency to another.",
          List.of(number("amount", "The amount to convert", true, 1, 5000),
              str("from_currency", "ISO 4217 code of the source currency", true, CURRENCIES),
              str("to_currency", "ISO 4217 code of the target currency", true, CURRENCIES)),
          "How much is {amount} {from_currency} in {to_currency}?",
          List.of(num("converted_amount", 1, 900000), pick("rate_date", "2025-05-01",
              "2025-05-02"))),
      new Tool("get_stock_price", "Get the latest price of a stock by its ticker symbol.",
          List.of(str("symbol", "The ticker symbol, e.g. NVDA", true, "NVDA", "AAPL", "MSFT",
              "AMZN", "TSLA")),
          "What's the current price of {symbol}?",
          List.of(num("price", 20, 900), pick("currency", "USD"))),
      new Tool("send_email", "Send an email on the user's behalf.",
          List.of(str("to", "Recipient address", true, "alex@example.com", "team@example.org"),
              str("subject", "Subject line", true, "Meeting notes", "Quick question",
                  "Invoice attached"),
              str("body", "Body text", true, "Hi, please see the notes below.",
                  "Thanks for your help today!")),
          "Send an email to {to} with the subject \"{subject}\".",
          List.of(pick("status", "sent"), pick("message_id", "msg-001", "msg-002", "msg-003"))),
      new Tool("translate_text", "Translate text into another language.",
          List.of(str("text", "The text to translate", true, "Where is the train station?",
                  "Thank you very much", "Good morning, everyone"),
              enumOf("target_language", "Target language", true, "French", "German", "Japanese",
                  "Spanish")),
          "Translate \"{text}\" into {target_language}.",
          List.of(pick("translation", "(translated text)"), pick("confidence", "high", "medium"))),
      new Tool("find_restaurants", "Find restaurants near a location.",
          List.of(str("location", "Where to search", true, CITIES),
              str("cuisine", "Type of food", false, "italian", "thai", "vegan", "ramen"),
              integer("max_price", "Maximum price level, 1 to 4", false, 1, 4)),
          "Find me a good place to eat in {location}.",
          List.of(pick("name", "Luigi's", "Green Bowl", "Noodle House", "Bistro 21"),
              num("rating_tenths", 30, 50))),
      new Tool("get_directions", "Get directions between two places.",
          List.of(str("origin", "Start address", true, CITIES),
              str("destination", "End address", true, "the airport", "the city center",
                  "the main train station"),
              enumOf("mode", "Travel mode", false, "driving", "walking", "transit")),
          "How do I get from {origin} to {destination}?",
          List.of(num("duration_minutes", 5, 120), num("distance_km", 1, 80))));

  /** Names that no tool in the bank has, for calls to functions the row never declared. */
  static final String[] UNDECLARED = {"get_weather_forecast_v2", "lookup_stock", "book_flight",
      "search_internal_docs"};

  private ToolBank() {}

  private static Param str(String name, String description, boolean required, String... values) {
    return new Param(name, "string", description, required, false, values, 0, 0);
  }

  private static Param enumOf(String name, String description, boolean required,
      String... values) {
    return new Param(name, "string", description, required, true, values, 0, 0);
  }

  private static Param integer(String name, String description, boolean required, int min,
      int max) {
    return new Param(name, "integer", description, required, false, null, min, max);
  }

  private static Param number(String name, String description, boolean required, int min,
      int max) {
    return new Param(name, "number", description, required, false, null, min, max);
  }

  private static Field num(String name, int min, int max) {
    return new Field(name, null, min, max);
  }

  private static Field pick(String name, String... values) {
    return new Field(name, values, 0, 0);
  }
}
