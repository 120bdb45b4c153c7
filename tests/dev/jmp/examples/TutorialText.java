package dev.jmp.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The tutorial's programs live once, as files; the chapters include them. A chapter
 * marks each inclusion with a comment followed by a fenced block:
 * <pre>
 * &lt;!-- include: examples/dev/jmp/examples/PipeDemo.java --&gt;
 * ```java
 * ...the file, verbatim...
 * ```
 * </pre>
 * {@code path#token} includes one C function: from the first line containing the token
 * to the next line that is a lone closing brace.
 *
 * <p>Why a checker and not a renderer: the markdown stays readable where it is (on a
 * forge, in an editor), and a test fails when a block differs from its file, so the
 * text cannot drift. {@code make docs} rewrites the blocks from the files.
 */
public final class TutorialText {
    static final Pattern INCLUDE = Pattern.compile(
            "<!-- include: (\\S+) -->\\n```([a-z]*)\\n(.*?)```\\n", Pattern.DOTALL);

    private TutorialText() {
    }

    /** One inclusion in one chapter: where it points, what the block holds, what the file holds. */
    record Include(Path chapter, String target, String block, String expected) {
        boolean current() {
            return block.equals(expected);
        }
    }

    static List<Path> chapters(Path root) {
        try (Stream<Path> files = Files.walk(root.resolve("docs/tutorial"))) {
            return files.filter(f -> f.toString().endsWith(".md")).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Include> includes(Path root, Path chapter) {
        List<Include> found = new ArrayList<>();
        Matcher m = INCLUDE.matcher(read(chapter));
        while (m.find()) {
            found.add(new Include(chapter, m.group(1), m.group(3), source(root, m.group(1))));
        }
        return found;
    }

    /** What a block pointing at {@code target} must hold, ending with a newline. */
    static String source(Path root, String target) {
        int hash = target.indexOf('#');
        String text = read(root.resolve(hash < 0 ? target : target.substring(0, hash)));
        if (hash >= 0) {
            String token = target.substring(hash + 1);
            List<String> lines = text.lines().collect(Collectors.toList());
            int from = -1;
            for (int i = 0; i < lines.size() && from < 0; i++) {
                if (lines.get(i).contains(token)) {
                    from = i;
                }
            }
            if (from < 0) {
                throw new IllegalArgumentException(target + ": no line contains " + token);
            }
            int to = from;
            while (to < lines.size() && !lines.get(to).equals("}")) {
                to++;
            }
            text = String.join("\n", lines.subList(from, Math.min(to + 1, lines.size()))) + "\n";
        }
        return text.endsWith("\n") ? text : text + "\n";
    }

    /** Rewrites every block from its file; returns the chapters changed. */
    static List<Path> write(Path root) throws IOException {
        List<Path> changed = new ArrayList<>();
        for (Path chapter : chapters(root)) {
            String text = read(chapter);
            Matcher m = INCLUDE.matcher(text);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String block = "<!-- include: " + m.group(1) + " -->\n```" + m.group(2) + "\n"
                        + source(root, m.group(1)) + "```\n";
                m.appendReplacement(out, Matcher.quoteReplacement(block));
            }
            m.appendTail(out);
            if (!out.toString().equals(text)) {
                Files.writeString(chapter, out.toString(), StandardCharsets.UTF_8);
                changed.add(chapter);
            }
        }
        return changed;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code make docs}: rewrites the included blocks from their files. */
    public static void main(String[] args) throws IOException {
        for (Path changed : write(Path.of(args.length > 0 ? args[0] : "."))) {
            System.out.println("updated " + changed);
        }
    }
}
