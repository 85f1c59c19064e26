package org.ann.analysis;

import com.ibm.icu.text.Transliterator;
import java.io.IOException;
import java.io.Reader;
import java.util.HashMap;
import java.util.Map;
import org.apache.lucene.analysis.charfilter.BaseCharFilter;

/**
 * Folds traditional Chinese characters to simplified ones, character by character, with ICU's
 * {@code Traditional-Simplified} transform. The transform is applied once per Han code point when the
 * class loads (the CJK Unified Ideographs, Extension A and the compatibility ideographs) and kept as a
 * table, so folding is a lookup, thread-safe, and keeps every token's offsets exact (highlighting
 * points at the original characters).
 */
final class TraditionalToSimplifiedCharFilter extends BaseCharFilter {
    private static final int[][] HAN_RANGES = {{0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xF900, 0xFAFF}};
    private static final Map<Integer, String> FOLDED = buildTable();

    private String output;
    private int position;

    TraditionalToSimplifiedCharFilter(Reader in) {
        super(in);
    }

    private static Map<Integer, String> buildTable() {
        Transliterator transform = Transliterator.getInstance("Traditional-Simplified");
        Map<Integer, String> table = new HashMap<>();
        for (int[] range : HAN_RANGES) {
            for (int cp = range[0]; cp <= range[1]; cp++) {
                String original = new String(Character.toChars(cp));
                String folded = transform.transliterate(original);
                if (!folded.equals(original)) {
                    table.put(cp, folded);
                }
            }
        }
        return Map.copyOf(table);
    }

    /** The simplified form of one code point, or null when it has none (already simplified, or not Han). */
    static String simplified(int codePoint) {
        return FOLDED.get(codePoint);
    }

    private void fill() throws IOException {
        StringBuilder source = new StringBuilder();
        char[] buffer = new char[4096];
        int n;
        while ((n = input.read(buffer)) != -1) {
            source.append(buffer, 0, n);
        }
        StringBuilder out = new StringBuilder(source.length());
        int shift = 0;
        for (int i = 0; i < source.length(); ) {
            int cp = Character.codePointAt(source, i);
            int width = Character.charCount(cp);
            String folded = FOLDED.get(cp);
            if (folded == null) {
                out.appendCodePoint(cp);
            } else {
                out.append(folded);
                if (folded.length() != width) {
                    shift += width - folded.length();
                    addOffCorrectMap(out.length(), shift);
                }
            }
            i += width;
        }
        output = out.toString();
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
        if (output == null) {
            fill();
        }
        if (position >= output.length()) {
            return -1;
        }
        int n = Math.min(len, output.length() - position);
        output.getChars(position, position + n, cbuf, off);
        position += n;
        return n;
    }
}
