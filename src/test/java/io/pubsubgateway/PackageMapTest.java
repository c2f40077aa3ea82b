package io.pubsubgateway;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's package map ("Who imports whom") is the package graph of the code: a new import
 * between packages fails here until the map shows it, and the map's order proves there is no cycle.
 */
class PackageMapTest {
  private static final Path SOURCES = Path.of("src/main/java/io/pubsubgateway");
  private static final String TOP = "(top)";
  private static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.pubsubgateway\\.(?:([a-z]+)\\.)?[A-Z]");

  /** Package (or {@value #TOP} for the classes at the top) → the packages it imports, from the code. */
  private static Map<String, Set<String>> imports() throws IOException {
    Map<String, Set<String>> graph = new TreeMap<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Path dir = SOURCES.relativize(file).getParent();
        String from = dir == null ? TOP : dir.getName(0).toString();
        Set<String> to = graph.computeIfAbsent(from, k -> new TreeSet<>());
        for (String line : Files.readAllLines(file)) {
          Matcher m = IMPORT.matcher(line);
          if (m.find()) {
            String target = m.group(1) == null ? TOP : m.group(1);
            if (!target.equals(from)) {
              to.add(target);
            }
          }
        }
      }
    }
    return graph;
  }

  /** The README's block, in its order: package → the packages it says it imports. */
  private static Map<String, Set<String>> map(List<String> order) throws IOException {
    List<String> lines = Files.readAllLines(Path.of("README.md"));
    int start = lines.indexOf("### Package map");
    assertTrue(start >= 0, "no package map in the README");
    while (!lines.get(start).equals("```text")) {
      start++;
    }
    Map<String, Set<String>> graph = new TreeMap<>();
    for (int i = start + 1; !lines.get(i).equals("```"); i++) {
      String[] parts = lines.get(i).split("──>");
      String from = parts[0].trim();
      order.add(from);
      Set<String> to = new TreeSet<>();
      if (parts.length > 1) {
        to.addAll(List.of(parts[1].trim().split("\\s+")));
      }
      assertEquals(null, graph.put(from, to), "listed twice: " + from);
    }
    return graph;
  }

  @Test
  void theReadmesPackageMapIsTheImportGraphOfTheCode() throws IOException {
    assertEquals(imports(), map(new ArrayList<>()));
  }

  @Test
  void everyArrowOfTheMapPointsDownTheList() throws IOException {
    List<String> order = new ArrayList<>();
    Map<String, Set<String>> graph = map(order);
    for (String from : order) {
      for (String to : graph.get(from)) {
        assertTrue(order.indexOf(to) >= 0 && order.indexOf(to) < order.indexOf(from), from + " imports " + to
          + ", which is not listed above it: a cycle, or a package missing from the map");
      }
    }
  }
}
