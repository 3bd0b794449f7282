package io.pushhub.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration table tells the truth: every declared key is in it with its default and allowed range (or
 * values), and every pushhub or MicroProfile JWT key it lists is declared.
 */
class ConfigDocsTest {

    private static final Pattern CODE = Pattern.compile("`([^`]*)`");

    /** Key name to its row's cells: default, meaning. */
    private static Map<String, String[]> rows;

    @BeforeAll
    static void readTheTable() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("README.md"));
        int start = lines.indexOf("## Configuration");
        assertTrue(start >= 0, "README.md has a '## Configuration' section");
        rows = new LinkedHashMap<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("#")) {
                break;
            }
            if (!line.startsWith("| `")) {
                continue;
            }
            String[] cells = line.substring(1, line.length() - (line.endsWith("|") ? 1 : 0))
                    .split(" \\| ", 3);
            assertEquals(3, cells.length, "a row of three cells: " + line);
            Matcher names = CODE.matcher(cells[0]);
            while (names.find()) {
                rows.put(names.group(1), new String[] {cells[1].trim(), cells[2].trim()});
            }
        }
        assertTrue(rows.size() > 10, "the table was found: " + rows.keySet());
    }

    @Test
    void everyDeclaredKeyIsInTheTableWithItsDefault() {
        List<String> wrong = new ArrayList<>();
        for (Key<?> key : Keys.ALL) {
            String[] row = rows.get(key.name());
            if (row == null) {
                wrong.add(key.name() + ": not in the README's configuration table");
                continue;
            }
            String documented = row[0];
            if (key.defaultText() == null) {
                if (!documented.startsWith("*(")) {
                    wrong.add(key.name() + ": has no default, the README says " + documented);
                }
                continue;
            }
            Matcher m = CODE.matcher(documented);
            String first = m.find() ? m.group(1) : documented;
            if (!first.equals(key.defaultText())) {
                wrong.add(key.name() + ": default " + key.defaultText() + ", the README says " + documented);
            }
        }
        if (!wrong.isEmpty()) {
            fail(String.join("\n", wrong));
        }
    }

    @Test
    void everyRangeAndChoiceIsDocumentedAsDeclared() {
        List<String> wrong = new ArrayList<>();
        for (Key<?> key : Keys.ALL) {
            String[] row = rows.get(key.name());
            if (row == null) {
                continue; // reported by the test above
            }
            String meaning = row[1];
            String range = key.rangeText();
            if (!range.isEmpty() && !meaning.contains(range)) {
                wrong.add(key.name() + ": allowed " + range + ", not written so in the README: " + meaning);
            }
            for (String value : key.allowedValues()) {
                if (!meaning.contains("`" + value + "`")) {
                    wrong.add(key.name() + ": allows `" + value + "`, the README does not say so: " + meaning);
                }
            }
        }
        if (!wrong.isEmpty()) {
            fail(String.join("\n", wrong));
        }
    }

    @Test
    void everyApplicationKeyInTheTableIsDeclared() {
        List<String> undeclared = rows.keySet().stream()
                .filter(name -> name.startsWith("pushhub.") || name.startsWith("mp."))
                .filter(name -> !Keys.BY_NAME.containsKey(name))
                .toList();
        assertEquals(List.of(), undeclared, "documented in the README but read by nothing");
    }
}
