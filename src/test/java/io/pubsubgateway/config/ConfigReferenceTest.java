package io.pubsubgateway.config;

import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The configuration reference ({@code src/docs/configuration.md}) documents exactly the keys of
 * {@link ConfigSchema}, each with the schema's default: a key added, renamed or given
 * another default fails here until the reference says so.
 */
class ConfigReferenceTest {
  private static final Path REFERENCE = Path.of("src/docs/configuration.md");
  /** A row of the reference table: {@code | `key` | default | meaning |}. */
  private static final Pattern ROW = Pattern.compile("^\\| `([a-zA-Z.]+)` \\| ([^|]+) \\|");

  /** The rows of the reference's key table (the one headed {@code | key | default | meaning |}). */
  private static Map<String, String> documented() throws IOException {
    Map<String, String> rows = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(REFERENCE);
    int header = lines.indexOf("| key | default | meaning |");
    assertTrue(header >= 0, "no key table in " + REFERENCE);
    for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      Matcher m = ROW.matcher(lines.get(i));
      assertTrue(m.find(), "not a key row: " + lines.get(i));
      assertEquals(null, rows.put(m.group(1), m.group(2).trim()), "documented twice: " + m.group(1));
    }
    return rows;
  }

  /** How the reference writes a schema default. */
  private static String rendered(ConfigSchema.Key key) {
    Object v = key.defaultValue();
    if (v == null) {
      return "–";
    }
    if (v instanceof JsonArray a) {
      return "`" + a.encode().replace(",", ", ") + "`";
    }
    if ("".equals(v)) {
      return "`\"\"`";
    }
    return "`" + v + "`";
  }

  @Test
  void theReferenceListsEverySchemaKeyAndNothingElse() throws IOException {
    assertEquals(ConfigSchema.keys().keySet().stream().sorted().toList(),
      documented().keySet().stream().sorted().toList());
  }

  @Test
  void everyDocumentedDefaultIsTheSchemasDefault() throws IOException {
    Map<String, String> rows = documented();
    List<String> wrong = new ArrayList<>();
    for (ConfigSchema.Key key : ConfigSchema.keys().values()) {
      String doc = rows.get(key.path());
      String expected = rendered(key);
      // a key without a built-in default may name what the shipped conf/gateway.yaml sets
      boolean ok = expected.equals(doc) || key.defaultValue() == null && doc != null && doc.startsWith("shipped: ");
      if (!ok) {
        wrong.add(key.path() + ": schema " + expected + ", reference " + doc);
      }
    }
    assertTrue(wrong.isEmpty(), String.join("\n", wrong));
  }
}
