// SPDX-License-Identifier: Apache-2.0
package org.dropscope.view;

import java.util.List;
import org.dropscope.aggregate.Snapshot;
import org.dropscope.filter.FilterException;

/**
 * {@code top}'s state between keys and intervals: the model, what is shown (grouping, sort,
 * filter, pause) and the filter prompt. The terminal layer hands it keys and sizes and draws what
 * it returns; the ticker thread hands it snapshots. Thread-safe: one lock for all of it.
 *
 * <p>Keys: {@code q} quit, {@code p} pause (the display freezes, counting goes on), {@code s}
 * next sort, {@code g} next grouping, {@code r} reset, {@code /} opens the filter prompt, where
 * Enter applies what was typed (empty clears the filter), Escape closes it unchanged and
 * Backspace deletes.
 */
public final class TopControls {
    /** What a key asks of the terminal layer. */
    public enum Action { NONE, REDRAW, QUIT }

    /** What an interval changes on the screen. */
    public enum Change {
        /** Nothing: paused. */
        NONE,
        /** Only the time in the title ({@link #titleLine}): an interval without drops after another. */
        CLOCK,
        /** Anything. */
        SCREEN
    }

    private static final int ENTER = '\r';
    private static final int NEWLINE = '\n';
    private static final int ESCAPE = 27;
    private static final int BACKSPACE = 127;
    private static final int CTRL_H = 8;

    private final TopModel model;
    private final DropPredicate fixed;
    private TopModel frozen;
    private TopModel.Grouping grouping;
    private TopModel.Sort sort;
    private String filterText = "";
    private DropPredicate filter = DropPredicate.ALL;
    private String filterError;
    private StringBuilder prompt;

    /**
     * @param fixed a filter that always applies, with whatever {@code /} adds ({@link DropPredicate#ALL} for none)
     */
    public TopControls(TopModel model, TopModel.Grouping grouping, TopModel.Sort sort, DropPredicate fixed) {
        this.model = model;
        this.grouping = grouping;
        this.sort = sort;
        this.fixed = fixed;
    }

    /**
     * Takes in an interval.
     *
     * @return what changes on the screen ({@link Change#NONE} while paused)
     */
    public synchronized Change update(Snapshot s, long nowMillis) {
        boolean changed = model.update(s, nowMillis);
        if (frozen != null) {
            return Change.NONE;
        }
        return changed ? Change.SCREEN : Change.CLOCK;
    }

    /** Handles one key (a character as read from the terminal). */
    public synchronized Action key(int c) {
        if (prompt != null) {
            return promptKey(c);
        }
        switch (c) {
            case 'q':
            case 'Q':
                return Action.QUIT;
            case 'p':
                frozen = frozen == null ? model.copy() : null;
                return Action.REDRAW;
            case 's':
                sort = sort.next();
                return Action.REDRAW;
            case 'g':
                grouping = grouping.next();
                return Action.REDRAW;
            case 'r':
                model.reset();
                if (frozen != null) {
                    frozen = model.copy();
                }
                return Action.REDRAW;
            case '/':
                prompt = new StringBuilder();
                return Action.REDRAW;
            default:
                return Action.NONE;
        }
    }

    private Action promptKey(int c) {
        if (c == ENTER || c == NEWLINE) {
            String typed = prompt.toString().strip();
            prompt = null;
            try {
                filter = DropPredicate.of(typed);
                filterText = typed;
                filterError = null;
            } catch (FilterException e) {
                // The previous filter stays; the settings line says why this one did not apply.
                filterError = e.getMessage() + " of '" + typed + "'";
            }
        } else if (c == ESCAPE) {
            prompt = null;
        } else if (c == BACKSPACE || c == CTRL_H) {
            if (prompt.length() > 0) {
                prompt.setLength(prompt.length() - 1);
            }
        } else if (c >= ' ') {
            prompt.appendCodePoint(c);
        } else {
            return Action.NONE;
        }
        return Action.REDRAW;
    }

    /** The screen to draw now, {@code width} x {@code height}. */
    public synchronized List<String> screen(TopScreen screen, TopScreen.Run run, int width, int height) {
        return screen.screen(frozen != null ? frozen : model, view(), run, width, height);
    }

    /** The first line of {@link #screen}, or {@code null} when the screen has no room for it. */
    public synchronized String titleLine(TopScreen screen, TopScreen.Run run, int width, int height) {
        return screen.titleLine(frozen != null ? frozen : model, run, width, height);
    }

    /** The batch block of the last interval. */
    public synchronized List<String> block(TopScreen screen, TopScreen.Run run) {
        return screen.block(model, view(), run);
    }

    private TopScreen.View view() {
        return new TopScreen.View(grouping, sort, fixed.and(filter), filterText, frozen != null,
                prompt == null ? null : prompt.toString(), filterError);
    }
}
