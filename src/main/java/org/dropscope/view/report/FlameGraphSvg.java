// SPDX-License-Identifier: Apache-2.0
package org.dropscope.view.report;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.dropscope.view.Printable;

/**
 * A flame graph of folded call chains as one self-contained SVG file, in the manner of
 * flamegraph.pl: the root ("all") at the bottom, each frame a rectangle above its caller, as wide
 * as its share of the drops, siblings in alphabetical order; hovering shows the frame with its
 * count and percentage (the SVG {@code title} element, which browsers show as a tooltip) and
 * outlines it. Colours are flamegraph.pl's "hot" palette, picked by a hash of the name so that a
 * function has the same colour everywhere. No script, no external resources. Names and the title
 * are printed through {@link Printable#text}, then XML's own escaping ({@link #escape}).
 */
public final class FlameGraphSvg {
    static final double WIDTH = 1200;
    static final int FRAME_HEIGHT = 16;
    private static final int PAD = 10;
    private static final int TITLE_HEIGHT = 30;
    private static final double CHAR_WIDTH = 7;

    /** A node of the merged call tree. */
    static final class Node {
        final String name;
        long count;
        final Map<String, Node> children = new TreeMap<>();

        Node(String name) {
            this.name = name;
        }

        int depth() {
            int d = 0;
            for (Node c : children.values()) {
                d = Math.max(d, c.depth());
            }
            return d + 1;
        }
    }

    private FlameGraphSvg() {
    }

    /** The call tree of {@code stacks} under a root named {@code all}. */
    static Node tree(List<FoldedStacks.Stack> stacks) {
        Node root = new Node("all");
        for (FoldedStacks.Stack s : stacks) {
            root.count += s.count();
            Node n = root;
            for (String f : s.frames()) {
                n = n.children.computeIfAbsent(f, Node::new);
                n.count += s.count();
            }
        }
        return root;
    }

    /** Writes the SVG of {@code stacks}; {@code title} heads it. */
    public static void write(List<FoldedStacks.Stack> stacks, String title, PrintWriter out) {
        Node root = tree(stacks);
        int depth = root.depth();
        int height = TITLE_HEIGHT + depth * FRAME_HEIGHT + 2 * PAD;
        double width = WIDTH + 2 * PAD;
        out.println("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>");
        out.printf(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%.0f\""
                + " height=\"%d\" viewBox=\"0 0 %.0f %d\">%n", width, height, width, height);
        out.println("<style>text { font: 12px Verdana, sans-serif; fill: #000; pointer-events: none; }"
                + " .title { font-size: 17px; } g.f:hover rect { stroke: #000; stroke-width: 1; }"
                + " svg { background: #eeeeb0; }</style>");
        out.printf(Locale.ROOT, "<rect class=\"background\" x=\"0\" y=\"0\" width=\"%.0f\" height=\"%d\""
                + " fill=\"#eeeeb0\"/>%n", width, height);
        out.printf(Locale.ROOT, "<text class=\"title\" x=\"%.1f\" y=\"24\" text-anchor=\"middle\">%s</text>%n",
                width / 2, escape(title));
        frame(out, root, root.count, PAD, height - PAD - FRAME_HEIGHT, WIDTH);
        out.println("</svg>");
        out.flush();
    }

    private static void frame(PrintWriter out, Node n, long total, double x, double y, double w) {
        double pct = total == 0 ? 0 : 100.0 * n.count / total;
        out.printf(Locale.ROOT, "<g class=\"f\"><title>%s (%,d drops, %.2f%%)</title>", escape(n.name), n.count, pct);
        out.printf(Locale.ROOT, "<rect x=\"%.3f\" y=\"%.1f\" width=\"%.3f\" height=\"%d\" rx=\"2\" fill=\"%s\"/>",
                x, y, w, FRAME_HEIGHT - 1, colour(n.name));
        int chars = (int) ((w - 6) / CHAR_WIDTH);
        if (chars >= 3) {
            String shown = Printable.text(n.name);
            String label = shown.length() <= chars ? shown : cut(shown, chars - 2) + "..";
            out.printf(Locale.ROOT, "<text x=\"%.3f\" y=\"%.1f\">%s</text>", x + 3, y + FRAME_HEIGHT - 4,
                    xml(label));
        }
        out.println("</g>");
        double cx = x;
        for (Node c : n.children.values()) {
            double cw = n.count == 0 ? 0 : w * c.count / n.count;
            frame(out, c, total, cx, y - FRAME_HEIGHT, cw);
            cx += cw;
        }
    }

    /** The first {@code n} characters of {@code s}, one fewer rather than half a surrogate pair. */
    private static String cut(String s, int n) {
        return s.substring(0, n > 0 && Character.isHighSurrogate(s.charAt(n - 1)) ? n - 1 : n);
    }

    /** flamegraph.pl's "hot" palette, its three random values taken from a hash of the name. */
    static String colour(String name) {
        int h = name.hashCode() * 0x9E3779B1;
        double v1 = (h & 0xff) / 255.0;
        double v2 = (h >>> 8 & 0xff) / 255.0;
        double v3 = (h >>> 16 & 0xff) / 255.0;
        return String.format(Locale.ROOT, "rgb(%d,%d,%d)", 205 + (int) (50 * v3), (int) (230 * v1), (int) (55 * v2));
    }

    /**
     * {@code s} as XML character data or a quoted attribute value: {@link Printable#text} first,
     * which leaves no character that XML 1.0 forbids (controls, unpaired surrogates, U+FFFE and
     * U+FFFF), then the markup characters as entities.
     */
    static String escape(String s) {
        return xml(Printable.text(s));
    }

    /** Markup characters of {@code s}, already printable, as entities. */
    private static String xml(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&':
                    sb.append("&amp;");
                    break;
                case '<':
                    sb.append("&lt;");
                    break;
                case '>':
                    sb.append("&gt;");
                    break;
                case '"':
                    sb.append("&quot;");
                    break;
                case '\'':
                    sb.append("&apos;");
                    break;
                default:
                    sb.append(c);
                    break;
            }
        }
        return sb.toString();
    }
}
