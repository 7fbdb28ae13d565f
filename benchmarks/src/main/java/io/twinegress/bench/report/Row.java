package io.twinegress.bench.report;

/**
 * One line of the report: a subject measure beside its baseline (both may be absent), the ratio
 * subject/baseline of the medians, the target and whether it is met.
 *
 * @param figure   the figure number (1–8)
 * @param name     what is measured
 * @param subject  what ours did
 * @param baseline what the baseline did, or null
 * @param target   the target in words, or null
 * @param met      whether the target is met, or null when there is none
 * @param note     how to read it
 */
public record Row(int figure, String name, Measure subject, Measure baseline, String target, Boolean met, String note) {

    public double ratio() {
        if (baseline == null || subject == null) {
            return Double.NaN;
        }
        return subject.median() / baseline.median();
    }
}
