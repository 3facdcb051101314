package io.github.userspipeline.verifycassandra;

import java.util.Arrays;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** What the task counts: one run (the DAG's check) or a whole table (for operators). */
enum Mode {
    RUN("run"),
    FULL_COUNT("full-count");

    private final String option;

    Mode(String option) {
        this.option = option;
    }

    @Override
    public String toString() {
        return option;
    }

    /** Reads {@code --verify-mode run|full-count}. */
    static final class Converter implements ITypeConverter<Mode> {
        @Override
        public Mode convert(String value) {
            return Arrays.stream(values())
                    .filter(mode -> mode.option.equals(value.strip()))
                    .findFirst()
                    .orElseThrow(() -> new TypeConversionException("expected one of " + Arrays.toString(values())));
        }
    }
}
