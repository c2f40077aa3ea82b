package io.pubsubgateway.bench.report;

import java.util.Arrays;
import java.util.List;

/**
 * The median and range of a few figures (one per pass): the median of an even count is the mean of the two middle
 * values. Non-finite values are left out; with none left every figure is NaN.
 */
public record Spread(double median, double min, double max, int count) {

  public static Spread of(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).sorted().toArray();
    if (v.length == 0) {
      return new Spread(Double.NaN, Double.NaN, Double.NaN, 0);
    }
    int n = v.length;
    double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    return new Spread(median, v[0], v[n - 1], n);
  }

  public static Spread of(double... values) {
    return of(Arrays.stream(values).boxed().toList());
  }
}
