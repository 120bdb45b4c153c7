package dev.jmp.examples;

import dev.jmp.AsyncResult;
import dev.jmp.Pool;
import dev.jmp.TimeoutError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Python's documentation example "Using a pool of workers" (multiprocessing),
 * line by line. It prints:
 * <pre>
 * [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]
 * 0 1 4 9 16 25 36 49 64 81   (in some order)
 * 400
 * 4242                        (the pid of the worker that ran it)
 * [4242, 4243, 4242, 4243]    (maybe more than one pid)
 * We lacked patience and got a TimeoutError
 * For the moment, the pool remains available for more work
 * Now the pool is closed and no longer available
 * </pre>
 *
 * <p>Python original:
 * <pre>
 * def f(x):
 *     return x*x
 *
 * with Pool(processes=4) as pool:
 *     print(pool.map(f, range(10)))
 *     for i in pool.imap_unordered(f, range(10)):
 *         print(i)
 *     res = pool.apply_async(f, (20,))
 *     print(res.get(timeout=1))
 *     res = pool.apply_async(os.getpid, ())
 *     print(res.get(timeout=1))
 *     multiple_results = [pool.apply_async(os.getpid, ()) for i in range(4)]
 *     print([res.get(timeout=1) for res in multiple_results])
 *     res = pool.apply_async(time.sleep, (10,))
 *     try:
 *         print(res.get(timeout=1))
 *     except TimeoutError:
 *         print("We lacked patience and got a multiprocessing.TimeoutError")
 *     print("For the moment, the pool remains available for more work")
 * print("Now the pool is closed and no longer available")
 * </pre>
 *
 * <p>One difference: leaving Python's {@code with} block terminates the pool (the
 * sleeping task is killed); leaving a try-with-resources block closes it, which waits
 * for the queued work. So the demo calls {@code terminate()} itself at the end, as the
 * {@code with} block does.
 */
public final class PoolDemo {
    private PoolDemo() {
    }

    static int f(int x) {
        return x * x;
    }

    static long getpid() {
        return ProcessHandle.current().pid();
    }

    static Void sleep(int seconds) throws InterruptedException {
        Thread.sleep(seconds * 1000L);
        return null;
    }

    public static void main(String[] args) {
        List<Integer> range10 = IntStream.range(0, 10).boxed().collect(Collectors.toList());
        // Start 4 worker processes.
        try (Pool pool = new Pool(4)) {
            // Prints "[0, 1, 4,..., 81]".
            System.out.println(pool.map(PoolDemo::f, range10));

            // Prints the same numbers in arbitrary order.
            List<String> unordered = new ArrayList<>();
            pool.imapUnordered(PoolDemo::f, range10).forEachRemaining(i -> unordered.add(String.valueOf(i)));
            System.out.println(String.join(" ", unordered));

            // Evaluates f(20) asynchronously, in only one process.
            AsyncResult<Integer> res = pool.applyAsync(() -> f(20));
            System.out.println(res.get(Duration.ofSeconds(10)));     // prints "400"

            // Evaluates getpid() asynchronously: the pid of the worker that ran it.
            AsyncResult<Long> pid = pool.applyAsync(PoolDemo::getpid);
            System.out.println(pid.get(Duration.ofSeconds(10)));

            // Launching several evaluations asynchronously *may* use more processes.
            List<AsyncResult<Long>> multiple = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                multiple.add(pool.applyAsync(PoolDemo::getpid));
            }
            List<Long> pids = new ArrayList<>();
            for (AsyncResult<Long> r : multiple) {
                pids.add(r.get(Duration.ofSeconds(10)));
            }
            System.out.println(pids);

            // Makes a single worker sleep for 10 seconds.
            AsyncResult<Void> slow = pool.applyAsync(() -> sleep(10));
            try {
                System.out.println(slow.get(Duration.ofSeconds(1)));
            } catch (TimeoutError e) {
                System.out.println("We lacked patience and got a TimeoutError");
            }
            System.out.println("For the moment, the pool remains available for more work");

            // As Python's with block: stop now (close() would wait for the sleeper).
            pool.terminate();
        }
        System.out.println("Now the pool is closed and no longer available");
    }
}
