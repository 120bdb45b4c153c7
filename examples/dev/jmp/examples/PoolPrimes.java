package dev.jmp.examples;

import dev.jmp.Pool;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Chapter 7, exercise: count the primes below 20000 with a Pool of 4: map a test
 * over the numbers, in chunks of 500 (one message per chunk, not per number), and
 * count the trues. Then the same with imap_unordered, to see which worker did what.
 */
public final class PoolPrimes {
    private PoolPrimes() {
    }

    static boolean isPrime(int n) {
        if (n < 2) {
            return false;
        }
        for (int d = 2; d * d <= n; d++) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }

    static long countPrimes(List<Integer> chunk) {
        return chunk.stream().filter(PoolPrimes::isPrime).count();
    }

    public static void main(String[] args) {
        List<Integer> numbers = IntStream.range(0, 20000).boxed().collect(Collectors.toList());
        try (Pool pool = new Pool(4)) {
            List<Boolean> prime = pool.map(PoolPrimes::isPrime, numbers, 500);
            System.out.println("primes below 20000: " + prime.stream().filter(p -> p).count());

            // Four slices, counted by whichever worker is free; the sum is the same.
            // (A subList is a view and not Serializable: each slice is copied.)
            List<List<Integer>> slices = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                slices.add(new ArrayList<>(numbers.subList(i * 5000, (i + 1) * 5000)));
            }
            long total = 0;
            for (Iterator<Long> it = pool.imapUnordered(PoolPrimes::countPrimes, slices); it.hasNext(); ) {
                long count = it.next();
                System.out.println("a slice had " + count);
                total += count;
            }
            System.out.println("sum of the slices: " + total);
        }
    }
}
