package io.github.userspipeline.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One benchmark figure as script/bench.sh prints it, one JSON line each:
 * {@code {"figure":NAME,"value":X,"unit":U,"baseline":B,"ratio":X/B}} (baseline and ratio null
 * where there is none).
 */
public record Figure(String name, double value, String unit, Double baseline) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public Double ratio() {
        return baseline == null || baseline == 0 ? null : value / baseline;
    }

    public String toJson() {
        ObjectNode line = JSON.createObjectNode();
        line.put("figure", name);
        line.put("value", round(value));
        line.put("unit", unit);
        line.put("baseline", baseline == null ? null : round(baseline));
        line.put("ratio", ratio() == null ? null : round(ratio()));
        return line.toString();
    }

    /** Prints the figure on stdout, where bench.sh's caller reads it. */
    public void print() {
        System.out.println(toJson());
        System.out.flush();
    }

    /** The median of a benchmark's rounds: a round that met a burst of load does not move it. */
    public static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
