package dev.jmp;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Set;

/**
 * The layers of jmp, bottom up, and the rule that dependencies point down only
 * (DESIGN.md, "Layers"):
 * <pre>
 *   cli         dev.jmp.cli: the jmp command (ls, clean, doctor)
 *   main        ChildMain: a child JVM's main class, its composition root
 *   pool        dev.jmp.pool, and the pool's classes in dev.jmp (Pool, TaskPool, AsyncResult)
 *   api         the rest of dev.jmp: Process, Queue, Lock, Connection, ...
 *   spawn       starting child JVMs: start methods, Popen, the bootstrap
 *   handles     sync, shm, connection, queue: a process's handles on kernel objects
 *   blocking    deadlines and interruptible waits      resource   names, the exit sequence
 *   posix       the only code that calls the kernel
 *   exceptions  PosixException, ProcessError, ...: in dev.jmp by contract, usable by every layer
 * </pre>
 * A layer may use the layers below it (and itself); blocking and resource sit side by
 * side and do not use each other. Besides, no two packages depend on each other in a
 * circle. One reference is not a use: Multiprocessing names ChildMain's class (a class
 * literal) to tell the spawn layer which main class a child JVM runs, as a launcher is
 * told a program's main class; nothing calls into ChildMain but the JVM that starts
 * with it. The examples (a program of their own, on the way out of the library) are
 * not part of the library's layering.
 */
@AnalyzeClasses(packages = "dev.jmp", importOptions = {ImportOption.DoNotIncludeTests.class,
    LayeringTest.LibraryOnly.class})
class LayeringTest {

    /** The library's own classes: not the tutorial programs or benchmarks shipped beside it. */
    public static final class LibraryOnly implements ImportOption {
        @Override
        public boolean includes(Location location) {
            return !location.contains("/dev/jmp/examples/") && !location.contains("/dev/jmp/bench/");
        }
    }

    private static final Set<String> POOL_IN_API_PACKAGE = Set.of("Pool", "TaskPool", "AsyncResult");

    private static String outermost(JavaClass c) {
        String simple = c.getName().substring(c.getPackageName().length() + 1);
        int nested = simple.indexOf('$');
        return nested < 0 ? simple : simple.substring(0, nested);
    }

    private static boolean inApiPackage(JavaClass c) {
        return c.getPackageName().equals("dev.jmp");
    }

    private static final DescribedPredicate<JavaClass> EXCEPTIONS =
            DescribedPredicate.describe("exceptions of dev.jmp", c -> inApiPackage(c) && c.isAssignableTo(Throwable.class));

    private static final DescribedPredicate<JavaClass> POOL = DescribedPredicate.describe("the pool",
            c -> c.getPackageName().startsWith("dev.jmp.pool")
                    || inApiPackage(c) && POOL_IN_API_PACKAGE.contains(outermost(c)) && !c.isAssignableTo(Throwable.class));

    private static final DescribedPredicate<JavaClass> MAIN = DescribedPredicate.describe("the child's main class",
            c -> inApiPackage(c) && outermost(c).equals("ChildMain"));

    private static final DescribedPredicate<JavaClass> API = DescribedPredicate.describe("the public API",
            c -> inApiPackage(c) && !EXCEPTIONS.test(c) && !POOL.test(c) && !MAIN.test(c));

    @ArchTest
    static final ArchRule dependenciesPointDown = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer("exceptions").definedBy(EXCEPTIONS)
            .layer("posix").definedBy("dev.jmp.posix..")
            .layer("blocking").definedBy("dev.jmp.blocking..")
            .layer("resource").definedBy("dev.jmp.resource..")
            .layer("handles").definedBy("dev.jmp.sync..", "dev.jmp.shm..", "dev.jmp.connection..", "dev.jmp.queue..")
            .layer("spawn").definedBy("dev.jmp.spawn..")
            .layer("api").definedBy(API)
            .layer("pool").definedBy(POOL)
            .layer("main").definedBy(MAIN)
            .layer("cli").definedBy("dev.jmp.cli..")
            .whereLayer("main").mayNotBeAccessedByAnyLayer()
            .whereLayer("cli").mayNotBeAccessedByAnyLayer()
            .whereLayer("exceptions").mayNotAccessAnyLayer()
            .whereLayer("posix").mayOnlyAccessLayers("exceptions")
            .whereLayer("blocking").mayOnlyAccessLayers("posix", "exceptions")
            .whereLayer("resource").mayOnlyAccessLayers("posix", "exceptions")
            .whereLayer("handles").mayOnlyAccessLayers("resource", "blocking", "posix", "exceptions")
            .whereLayer("spawn").mayOnlyAccessLayers("handles", "resource", "blocking", "posix", "exceptions")
            .whereLayer("api").mayOnlyAccessLayers("spawn", "handles", "resource", "blocking", "posix", "exceptions")
            .whereLayer("pool").mayOnlyAccessLayers("api", "spawn", "handles", "resource", "blocking", "posix",
                    "exceptions")
            .ignoreDependency(Multiprocessing.class, ChildMain.class);

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("dev.jmp.(*)..").should().beFreeOfCycles();
}
