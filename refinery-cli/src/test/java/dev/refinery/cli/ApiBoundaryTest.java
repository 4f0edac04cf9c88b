package dev.refinery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.api.Test;

/**
 * The CLI uses refinery-core only through the packages core declares as its API
 * ({@code META-INF/refinery-api-packages.txt}), never {@code dev.refinery.internal}: what a
 * {@code module-info} exporting those packages would enforce, without making core a module (its
 * dependencies, Hadoop and DJL among them, are not). Read from the CLI's compiled classes: every
 * class a class file names (in its constant pool: class references, field and method
 * descriptors, generic signatures, annotations) counts. Compile-time constants are inlined by
 * javac and leave no reference; nothing else escapes.
 */
class ApiBoundaryTest {
  private static final String LIST = "META-INF/refinery-api-packages.txt";
  private static final Pattern CLASS_NAME = Pattern.compile("dev/refinery/[A-Za-z0-9_/$]+");

  @Test
  void theCliUsesOnlyApiPackagesOfCore() throws IOException, URISyntaxException {
    Set<String> api = apiPackages();
    Path classes = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Map<String, Set<String>> outside = new TreeMap<>();
    Set<String> used = new TreeSet<>();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String user = classes.relativize(file).toString().replace('\\', '/')
            .replaceAll("\\.class$", "").replace('/', '.');
        for (String name : referencedClasses(file)) {
          String type = name.replace('/', '.');
          String pkg = type.substring(0, type.lastIndexOf('.'));
          if (pkg.equals("dev.refinery.cli")) {
            continue;
          }
          used.add(pkg);
          if (!api.contains(pkg)) {
            outside.computeIfAbsent(type, t -> new TreeSet<>()).add(user);
          }
        }
      }
    }
    assertThat(used).as("the scan found the CLI's uses of core").contains("dev.refinery",
        "dev.refinery.pipeline");
    assertThat(outside).as("classes of refinery-core outside its API packages (" + LIST
        + ") used by the CLI, with their users: use an API class instead, or make one")
        .isEmpty();
    assertThat(api).as("API packages nothing in the CLI uses: remove them from " + LIST
        + " or say in the list why Java callers need them").allMatch(
            p -> used.contains(p) || JAVA_ONLY.contains(p));
  }

  /** API packages the CLI itself does not need, kept for Java callers of the facade. */
  private static final Set<String> JAVA_ONLY = Set.of();

  /** The packages of the list: one a line, its reason after it; '#' starts a comment. */
  private static Set<String> apiPackages() throws IOException {
    Set<String> packages = new TreeSet<>();
    try (InputStream in = ApiBoundaryTest.class.getClassLoader().getResourceAsStream(LIST)) {
      assertThat(in).as(LIST + " on the class path (from refinery-core)").isNotNull();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String text = line.replaceAll("#.*", "").strip();
        if (!text.isEmpty()) {
          String[] parts = text.split("\\s+", 2);
          assertThat(parts).as(LIST + ": a package and why it is API: " + line).hasSize(2);
          packages.add(parts[0]);
        }
      }
    }
    assertThat(packages).as("internal is never API").noneMatch(p -> p.startsWith(
        "dev.refinery.internal"));
    return packages;
  }

  /**
   * The dev.refinery classes a class file names: every such name in its constant pool's UTF-8
   * entries (JVMS 4.4), which hold class names, descriptors and signatures alike.
   */
  static List<String> referencedClasses(Path classFile) throws IOException {
    List<String> names = new ArrayList<>();
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(
        Files.newInputStream(classFile)))) {
      if (in.readInt() != 0xCAFEBABE) {
        throw new IOException(classFile + ": not a class file");
      }
      in.readUnsignedShort(); // minor version
      in.readUnsignedShort(); // major version
      int count = in.readUnsignedShort();
      for (int i = 1; i < count; i++) {
        int tag = in.readUnsignedByte();
        switch (tag) {
          case 1 -> { // Utf8, in the modified UTF-8 that readUTF reads
            Matcher m = CLASS_NAME.matcher(in.readUTF());
            while (m.find()) {
              names.add(m.group());
            }
          }
          case 7, 8, 16, 19, 20 -> in.skipNBytes(2); // Class, String, MethodType, Module, Package
          case 15 -> in.skipNBytes(3); // MethodHandle
          case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
          case 5, 6 -> { // Long and Double take two entries
            in.skipNBytes(8);
            i++;
          }
          default -> throw new IOException(classFile + ": unknown constant pool tag " + tag);
        }
      }
    }
    return names;
  }
}
