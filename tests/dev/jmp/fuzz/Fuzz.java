package dev.jmp.fuzz;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A small seeded fuzzer for the receive paths: random frames, and real frames mutated.
 *
 * <p>Every case draws from its own generator, seeded from the run's seed and the case's
 * index, so one failing case replays alone: the failure names both, and
 * {@code -Djmp.fuzz.seed=S -Djmp.fuzz.case=I} runs just that case again. The seed is
 * fresh on each run unless given, so that runs together cover more ground;
 * {@code -Djmp.fuzz.cases=N} sets how many cases a property runs in {@code make test}.
 *
 * <p>The mutations are those that break a serialized stream in interesting ways: bit
 * flips, overwritten, inserted and deleted bytes, cuts, a copy of one range over another
 * (which forges back-references and lengths) and boundary ints (lengths, counts, handles).
 */
public final class Fuzz {
    /** The run's seed: given, or fresh. */
    public static final long SEED = Long.getLong("jmp.fuzz.seed", new SplittableRandom().nextLong());
    /** Cases per property in the default suite. */
    public static final int CASES = Integer.getInteger("jmp.fuzz.cases", 2500);
    /** Only this case, when replaying one; -1 runs them all. */
    static final int ONLY = Integer.getInteger("jmp.fuzz.case", -1);

    private static final int[] BOUNDARY_INTS = {0, -1, 1, 0x7fffffff, 0x80000000, 0x7e0000, 0xff, 0x10000};

    private Fuzz() {
    }

    /** One case of a property, given its own generator and its name (which says how to replay it). */
    public interface Case {
        void run(SplittableRandom random, String name) throws Exception;
    }

    /**
     * Runs {@code count} cases of {@code property}; the first failure ends the run with
     * the seed and case index to replay it.
     */
    public static void check(String property, int count, Case body) {
        for (int i = ONLY >= 0 ? ONLY : 0; i < (ONLY >= 0 ? ONLY + 1 : count); i++) {
            String name = property + " case " + i + " (replay: -Djmp.fuzz.seed=" + SEED + " -Djmp.fuzz.case=" + i + ")";
            try {
                body.run(new SplittableRandom(SEED ^ (0x9E3779B97F4A7C15L * (i + 1)) ^ property.hashCode()), name);
            } catch (Throwable t) {
                throw new AssertionError(name + ": " + t, t);
            }
        }
    }

    /** Random bytes, {@code min} to {@code max} long. */
    public static byte[] bytes(SplittableRandom r, int min, int max) {
        byte[] b = new byte[r.nextInt(min, max + 1)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) r.nextInt();
        }
        return b;
    }

    /** Mostly one of {@code seeds} with up to six mutations, now and then random bytes; at most {@code max} long. */
    public static byte[] frame(SplittableRandom r, List<byte[]> seeds, int max) {
        byte[] b;
        if (r.nextInt(10) == 0) {
            b = bytes(r, 0, 300);
        } else {
            b = seeds.get(r.nextInt(seeds.size()));
            for (int n = r.nextInt(7); n > 0; n--) {
                b = mutate(r, b);
            }
        }
        return b.length > max ? Arrays.copyOf(b, max) : b;
    }

    /** One edit of {@code m}; never changes {@code m} itself. */
    public static byte[] mutate(SplittableRandom r, byte[] m) {
        int value = r.nextInt();
        if (m.length == 0) {
            return new byte[] {(byte) value};
        }
        int i = r.nextInt(m.length);
        int j = r.nextInt(m.length);
        byte[] c;
        switch (r.nextInt(7)) {
            case 0:       // flip one bit
                c = m.clone();
                c[i] ^= (byte) (1 << (value & 7));
                return c;
            case 1:       // overwrite a byte
                c = m.clone();
                c[i] = (byte) value;
                return c;
            case 2:       // insert a byte
                c = new byte[m.length + 1];
                System.arraycopy(m, 0, c, 0, i);
                c[i] = (byte) value;
                System.arraycopy(m, i, c, i + 1, m.length - i);
                return c;
            case 3: {     // delete a range
                int a = Math.min(i, j);
                int b = Math.max(i, j) + 1;
                c = new byte[m.length - (b - a)];
                System.arraycopy(m, 0, c, 0, a);
                System.arraycopy(m, b, c, a, m.length - b);
                return c;
            }
            case 4:       // cut
                return Arrays.copyOf(m, i);
            case 5: {     // copy a short range over another
                c = m.clone();
                int n = Math.min(1 + (value & 15), Math.min(m.length - i, m.length - j));
                System.arraycopy(m, i, c, j, n);
                return c;
            }
            default: {    // a boundary int at i
                c = m.clone();
                int v = BOUNDARY_INTS[(value & 0x7fffffff) % BOUNDARY_INTS.length];
                for (int k = 0; k < 4 && i + k < c.length; k++) {
                    c[i + k] = (byte) (v >>> (24 - 8 * k));
                }
                return c;
            }
        }
    }
}
