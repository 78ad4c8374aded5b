// SPDX-License-Identifier: Apache-2.0
package org.dropscope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The package map is written three times: for readers in docs/architecture.md's table ("Packages
 * and what each may see") and in each package's {@code package-info.java} ("May use ..."), and for
 * checkstyle in config/import-control.xml. These tests keep the three one map, with a row, a block
 * and a {@code package-info.java} for every package of main code. What each package may use is a set of
 * names: packages of the project ({@code event}) and library packages ({@code io.netty.buffer});
 * the JDK is open to all.
 */
class ArchitectureMapTest {
    private static final Path PROJECT = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    private static final List<Path> MAIN_ROOTS = List.of(
            PROJECT.resolve("src/main/java/org/dropscope"),
            PROJECT.resolve("native-bindings/src/main/java/org/dropscope"));
    private static final String TABLE_HEADER = "| package | role | may use |";
    private static final String EVERY_PACKAGE = "every package of the project";
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern JAVADOC_CODE = Pattern.compile("\\{@code ([^}]+)}");
    /** The one shape of a block's project rule: its own package first, then what it uses. */
    private static final Pattern PROJECT_RULE =
            Pattern.compile("org\\\\\\.dropscope\\\\\\.\\((.+)\\)\\\\\\.\\[A-Z\\]\\.\\*");

    @Test
    void tableAndImportControlNameTheSameUses() throws Exception {
        Table table = table();
        Map<String, Set<String>> control = importControl(table.uses().keySet());
        assertEquals(table.uses().keySet(), control.keySet(),
                "packages: table rows, then import-control blocks");
        table.uses().forEach((pkg, uses) -> assertEquals(uses, control.get(pkg),
                pkg + " may use: the table's list, then import-control.xml's"));
    }

    @Test
    void everyPackageOfMainCodeHasARow() throws IOException {
        Set<String> rows = table().uses().keySet();
        for (String pkg : mainPackages()) {
            assertTrue(rows.contains(pkg), pkg + " has no row in docs/architecture.md's package table");
        }
    }

    @Test
    void everyPackageInfoSaysWhatItMayUseAsTheTableDoes() throws IOException {
        Table table = table();
        for (String pkg : mainPackages()) {
            Path info = MAIN_ROOTS.stream().map(root -> root.resolve(pkg.replace('.', '/')))
                    .map(dir -> dir.resolve("package-info.java")).filter(Files::exists).findFirst()
                    .orElseThrow(() -> new AssertionError(pkg + " has no package-info.java"));
            String text = Files.readString(info);
            int from = text.indexOf("<p>May use ");
            assertTrue(from >= 0, info + " has no paragraph \"<p>May use ...\"");
            int end = text.indexOf("*/", from);
            int next = text.indexOf("<p>", from + 1);
            String paragraph = text.substring(from, next >= 0 && next < end ? next : end);
            Set<String> uses = new TreeSet<>(codes(JAVADOC_CODE, paragraph));
            if (paragraph.contains(EVERY_PACKAGE)) {
                uses.addAll(others(table.uses().keySet(), pkg));
            }
            assertEquals(table.uses().get(pkg), uses,
                    pkg + " may use: the table's list, then its package-info's");
        }
    }

    /** checkstyle fails an import the table does not name; this fails a name no import needs. */
    @Test
    void everyUseTheTableNamesIsMade() throws IOException {
        Table table = table();
        Set<String> rows = table.uses().keySet();
        table.uses().forEach((pkg, uses) -> {
            List<String> imports = imports(pkg);
            for (String use : uses) {
                boolean made = rows.contains(use)
                        ? table.blanket().contains(pkg)
                                || imports.stream().anyMatch(i -> use.equals(projectPackage(i)))
                        : imports.stream().anyMatch(i -> i.startsWith(use + "."));
                assertTrue(made, pkg + " imports nothing of " + use + ": take it out of its row and block");
            }
        });
    }

    /** The table's "may use" column, and the rows whose column is every package of the project. */
    private record Table(Map<String, Set<String>> uses, Set<String> blanket) { }

    private static Table table() throws IOException {
        List<String> lines = Files.readAllLines(PROJECT.resolve("docs/architecture.md"));
        int header = lines.indexOf(TABLE_HEADER);
        assertTrue(header >= 0, "docs/architecture.md has no line " + TABLE_HEADER);
        List<String[]> cells = new ArrayList<>();
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String line = lines.get(i);
            cells.add(line.substring(1, line.length() - 1).split("\\|"));
        }
        Set<String> packages = new TreeSet<>();
        for (String[] row : cells) {
            assertEquals(3, row.length, "a row of three cells: " + String.join("|", row));
            assertTrue(packages.add(codes(CODE, row[0]).get(0)), "one row per package: " + row[0]);
        }
        Table table = new Table(new TreeMap<>(), new TreeSet<>());
        for (String[] row : cells) {
            String pkg = codes(CODE, row[0]).get(0);
            Set<String> uses = new TreeSet<>(codes(CODE, row[2]));
            if (row[2].contains(EVERY_PACKAGE)) {
                uses.addAll(others(packages, pkg));
                table.blanket().add(pkg);
            }
            table.uses().put(pkg, uses);
        }
        return table;
    }

    /** Package → what its block in config/import-control.xml allows, besides the JDK. */
    private static Map<String, Set<String>> importControl(Set<String> packages) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        // The DOCTYPE names checkstyle's DTD by URL; the build is offline, and the DTD adds nothing.
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Element root = factory.newDocumentBuilder()
                .parse(PROJECT.resolve("config/import-control.xml").toFile()).getDocumentElement();
        assertEquals("org.dropscope", root.getAttribute("pkg"));
        assertEquals("disallowed", root.getAttribute("strategyOnMismatch"));
        Map<String, Set<String>> map = new TreeMap<>();
        blocks(root, "", packages, map);
        return map;
    }

    private static void blocks(Element parent, String prefix, Set<String> packages,
            Map<String, Set<String>> map) {
        for (Element block : children(parent, "subpackage")) {
            String pkg = prefix + block.getAttribute("name");
            assertEquals("disallowed", block.getAttribute("strategyOnMismatch"),
                    pkg + " decides alone, with nothing of its parent's list");
            assertTrue(children(block, "disallow").isEmpty(), pkg + ": allow-lists only");
            Set<String> uses = new TreeSet<>();
            for (Element allow : children(block, "allow")) {
                uses.addAll(allowed(pkg, allow, packages));
            }
            assertFalse(map.containsKey(pkg), "one block per package: " + pkg);
            map.put(pkg, uses);
            blocks(block, pkg + ".", packages, map);
        }
    }

    private static Set<String> allowed(String pkg, Element allow, Set<String> packages) {
        String lib = allow.getAttribute("pkg");
        String cls = allow.getAttribute("class");
        if (lib.equals("java")) {
            return Set.of();
        }
        if (lib.equals("org.dropscope")) {
            return others(packages, pkg);
        }
        if (!lib.isEmpty()) {
            return Set.of(lib);
        }
        Matcher m = PROJECT_RULE.matcher(cls);
        assertTrue(m.matches(), pkg + ": the project rule's shape: " + cls);
        List<String> named = Stream.of(m.group(1).split("\\|"))
                .map(p -> p.replace("\\.", ".")).collect(Collectors.toList());
        assertEquals(pkg, named.get(0), "the project rule names its own package first");
        return new TreeSet<>(named.subList(1, named.size()));
    }

    private static List<Element> children(Element parent, String tag) {
        List<Element> found = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) {
                found.add(e);
            }
        }
        return found;
    }

    /** What a pattern's first group matched, in order: the code spans of a cell or a paragraph. */
    private static List<String> codes(Pattern code, String text) {
        List<String> codes = new ArrayList<>();
        Matcher m = code.matcher(text);
        while (m.find()) {
            codes.add(m.group(1));
        }
        return codes;
    }

    private static Set<String> others(Set<String> packages, String pkg) {
        Set<String> others = new TreeSet<>(packages);
        others.remove(pkg);
        return others;
    }

    /** What a package's main code imports, static imports included. */
    private static List<String> imports(String pkg) {
        List<String> imports = new ArrayList<>();
        for (Path root : MAIN_ROOTS) {
            Path dir = root.resolve(pkg.replace('.', '/'));
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Files.readAllLines(f).stream().filter(l -> l.startsWith("import "))
                            .map(l -> l.replaceFirst("^import (static )?", "").replace(";", ""))
                            .forEach(imports::add);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return imports;
    }

    /** The project package an import names ({@code source.netdm}), or null for a library's. */
    private static String projectPackage(String imported) {
        if (!imported.startsWith("org.dropscope.")) {
            return null;
        }
        List<String> segments = new ArrayList<>();
        for (String s : imported.substring("org.dropscope.".length()).split("\\.")) {
            if (Character.isUpperCase(s.charAt(0))) {
                break;
            }
            segments.add(s);
        }
        return String.join(".", segments);
    }

    /** The packages that hold main code, named below org.dropscope. */
    private static Set<String> mainPackages() throws IOException {
        Set<String> packages = new TreeSet<>();
        for (Path root : MAIN_ROOTS) {
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(f -> f.toString().endsWith(".java")).forEach(f -> packages.add(
                        root.relativize(f.getParent()).toString().replace('/', '.')));
            }
        }
        assertFalse(packages.isEmpty(), "no main code under " + MAIN_ROOTS);
        return packages;
    }
}
