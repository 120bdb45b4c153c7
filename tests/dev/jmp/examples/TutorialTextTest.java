package dev.jmp.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The tutorial's text and its programs cannot drift apart (see {@link TutorialText}). */
class TutorialTextTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();

    private static List<TutorialText.Include> all() {
        List<TutorialText.Include> all = new ArrayList<>();
        for (Path chapter : TutorialText.chapters(ROOT)) {
            all.addAll(TutorialText.includes(ROOT, chapter));
        }
        return all;
    }

    @Test
    void everyIncludedBlockIsItsFile() {
        List<TutorialText.Include> all = all();
        assertTrue(all.size() > 10, "too few includes found: " + all.size());
        for (TutorialText.Include include : all) {
            assertTrue(include.current(), ROOT.relativize(include.chapter()) + ": the block of " + include.target()
                    + " differs from the file: run make docs");
        }
    }

    @Test
    void bothLanguagesHaveTheSameChaptersAndPrograms() {
        for (Path zh : TutorialText.chapters(ROOT)) {
            if (!zh.getParent().getFileName().toString().equals("zh")) {
                continue;
            }
            Path en = zh.getParent().resolveSibling("en").resolve(zh.getFileName());
            assertTrue(Files.exists(en), "no English chapter for " + zh);
            assertEquals(targets(zh), targets(en), "programs of " + zh.getFileName());
        }
    }

    @Test
    void everyProgramIsInTheTutorial() throws IOException {
        Set<String> included = all().stream().map(TutorialText.Include::target).collect(Collectors.toSet());
        try (Stream<Path> files = Files.walk(ROOT.resolve("examples"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList())) {
                String target = ROOT.relativize(f).toString();
                assertTrue(included.contains(target), target + " is in no chapter");
            }
        }
    }

    private static Set<String> targets(Path chapter) {
        return TutorialText.includes(ROOT, chapter).stream().map(TutorialText.Include::target)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
