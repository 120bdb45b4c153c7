package dev.jmp.shm;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.math.BigInteger;
import java.util.concurrent.atomic.DoubleAccumulator;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * The ctypes types behind CPython's {@code Value}/{@code Array} typecodes
 * ({@code multiprocessing.sharedctypes.typecode_to_type}), with their sizes on
 * Linux x86-64 and aarch64 (LP64: {@code 'l'}/{@code 'L'} are 8 bytes, as
 * {@code ctypes.sizeof(ctypes.c_long)} says there).
 *
 * <h2>Values in and out, as ctypes</h2>
 * Inside jmp a value travels as its <em>raw</em> long: an integer type's value
 * sign- or zero-extended from its width (for {@code 'L'}/{@code 'Q'} the 64 bits
 * themselves), a float's or double's bits. Raw values of one type are equal exactly
 * when the memory is.
 * <ul>
 * <li>Into an integer type goes any integral {@link Number} ({@code Byte} ...
 *     {@code Long}, {@code BigInteger}, the atomics), <b>truncated silently</b> to the
 *     type's width as ctypes does ({@code c_ubyte(-1)} is 255, {@code c_int(2**32+5)}
 *     is 5). A floating-point Number is refused with IllegalArgumentException, as ctypes
 *     raises TypeError for {@code c_int(1.5)} (and for {@code c_int(1.0)}).</li>
 * <li>Into {@code 'f'}/{@code 'd'} goes any Number's {@code doubleValue()}, narrowed to
 *     float for {@code 'f'} (too large becomes infinity, as in ctypes).</li>
 * <li>Out come: an {@code Integer} for the types whose whole range fits in int
 *     ({@code b B h H i}); a {@code Long} for {@code I l q}, and for {@code L Q} up to
 *     {@code Long.MAX_VALUE} (above it a {@code BigInteger}, so the value is exact as in
 *     Python; its {@code longValue()} gives the 64 bits back); {@code Float} for
 *     {@code 'f'} and {@code Double} for {@code 'd'}.</li>
 * </ul>
 */
public enum CType {
    BYTE('b', 1, "c_byte"),
    UBYTE('B', 1, "c_ubyte"),
    SHORT('h', 2, "c_short"),
    USHORT('H', 2, "c_ushort"),
    INT('i', 4, "c_int") {
        @Override
        Number get(ByteBuffer b, int off) {
            return Cells.loadInt(b, off);
        }
    },
    UINT('I', 4, "c_uint"),
    LONG('l', 8, "c_long") {
        @Override
        Number get(ByteBuffer b, int off) {
            return Cells.loadLong(b, off);
        }
    },
    ULONG('L', 8, "c_ulong"),
    LONGLONG('q', 8, "c_longlong") {
        @Override
        Number get(ByteBuffer b, int off) {
            return Cells.loadLong(b, off);
        }
    },
    ULONGLONG('Q', 8, "c_ulonglong"),
    FLOAT('f', 4, "c_float") {
        @Override
        Number get(ByteBuffer b, int off) {
            return Float.intBitsToFloat(Cells.loadInt(b, off));
        }
    },
    DOUBLE('d', 8, "c_double") {
        @Override
        Number get(ByteBuffer b, int off) {
            return Double.longBitsToDouble(Cells.loadLong(b, off));
        }
    };

    public final char typecode;
    public final int size;
    public final String ctypesName;

    CType(char typecode, int size, String ctypesName) {
        this.typecode = typecode;
        this.size = size;
        this.ctypesName = ctypesName;
    }

    private static final CType[] ALL = values();

    /** The type of a typecode; IllegalArgumentException for anything else. */
    public static CType of(char typecode) {
        for (CType t : ALL) {
            if (t.typecode == typecode) {
                return t;
            }
        }
        throw new IllegalArgumentException("bad typecode '" + typecode
                + "' (must be one of b, B, h, H, i, I, l, L, q, Q, f, d)");
    }

    /**
     * The value at {@code off}, boxed as callers see it. The common types override this
     * with a straight load: an unlocked Value read is on the hot path, and the generic
     * route (raw form, then {@link #box}) costs two more switches there.
     */
    Number get(ByteBuffer b, int off) {
        return box(Cells.load(this, b, off));
    }

    public boolean floating() {
        return this == FLOAT || this == DOUBLE;
    }

    /** Any bits (the low {@code size} bytes count) in this type's raw form. */
    long normalize(long bits) {
        switch (this) {
            case BYTE:
                return (byte) bits;
            case UBYTE:
                return bits & 0xFFL;
            case SHORT:
                return (short) bits;
            case USHORT:
                return bits & 0xFFFFL;
            case INT:
                return (int) bits;
            case UINT:
            case FLOAT:
                return bits & 0xFFFF_FFFFL;
            default:
                return bits;
        }
    }

    /** A Number in raw form, converted as ctypes converts it (see the class comment). */
    public long raw(Number v) {
        if (v == null) {
            throw new NullPointerException(ctypesName + " value is null");
        }
        switch (this) {
            case FLOAT:
                return Float.floatToRawIntBits((float) v.doubleValue()) & 0xFFFF_FFFFL;
            case DOUBLE:
                return Double.doubleToRawLongBits(v.doubleValue());
            default:
                return normalize(integral(v));
        }
    }

    /** The raw form as the Number callers see (see the class comment). */
    public Number box(long raw) {
        switch (this) {
            case BYTE:
            case UBYTE:
            case SHORT:
            case USHORT:
            case INT:
                return (int) raw;
            case UINT:
            case LONG:
            case LONGLONG:
                return raw;
            case ULONG:
            case ULONGLONG:
                return raw >= 0 ? (Number) raw : new BigInteger(Long.toUnsignedString(raw));
            case FLOAT:
                return Float.intBitsToFloat((int) raw);
            default:
                return Double.longBitsToDouble(raw);
        }
    }

    /** {@code raw + delta} in this type: wrapping for integers, as ctypes stores a sum. */
    long add(long raw, Number delta) {
        switch (this) {
            case FLOAT:
                // As Python's "v.value += d": the float is read as a double, added, stored narrowed.
                return raw((double) Float.intBitsToFloat((int) raw) + delta.doubleValue());
            case DOUBLE:
                return raw(Double.longBitsToDouble(raw) + delta.doubleValue());
            default:
                return normalize(raw + integral(delta));
        }
    }

    /** An integral Number's low 64 bits; a floating-point one is refused (ctypes: TypeError). */
    private long integral(Number v) {
        if (v instanceof Double || v instanceof Float || v instanceof BigDecimal
                || v instanceof DoubleAdder || v instanceof DoubleAccumulator) {
            throw new IllegalArgumentException("int expected instead of " + v.getClass().getSimpleName()
                    + " for " + ctypesName);
        }
        return v.longValue();       // BigInteger: its low 64 bits, as ctypes masks
    }
}
