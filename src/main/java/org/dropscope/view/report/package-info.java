// SPDX-License-Identifier: Apache-2.0
/**
 * {@code report}'s formats over a {@code Report}: {@link org.dropscope.view.report.TextReport},
 * {@link org.dropscope.view.report.JsonReport} (Jackson's streaming generator),
 * {@link org.dropscope.view.report.CsvReport} (Commons CSV), {@link
 * org.dropscope.view.report.DropwatchReport} (dropwatch's summary lines), {@link
 * org.dropscope.view.report.FoldedStacks} and {@link org.dropscope.view.report.FlameGraphSvg}.
 *
 * <p>May use {@code report}, {@code view}, {@code event}, Jackson
 * ({@code com.fasterxml.jackson.core}) and Commons CSV ({@code org.apache.commons.csv}); those two
 * libraries only here.
 */
package org.dropscope.view.report;
