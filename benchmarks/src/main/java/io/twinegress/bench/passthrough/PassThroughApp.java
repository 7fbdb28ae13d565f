package io.twinegress.bench.passthrough;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The router's baseline: a Kafka Streams app that copies every record of its input topic to its
 * output topic unchanged (bytes in, bytes out, key, value, headers and timestamp kept). Started
 * like the router — {@code java <same JVM flags> PassThroughApp app.properties} — with the same
 * broker, guarantee and Kafka Streams settings, so the difference is the routing work.
 *
 * <p>Properties: {@code bench.input.topic}, {@code bench.output.topic}, plus Kafka Streams keys.
 */
public final class PassThroughApp {

    public static final String INPUT = "bench.input.topic";
    public static final String OUTPUT = "bench.output.topic";

    private PassThroughApp() {
    }

    public static Topology topology(String input, String output) {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(input, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
            .to(output, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        return b.build();
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(args[0]))) {
            p.load(r);
        }
        String input = (String) p.remove(INPUT);
        String output = (String) p.remove(OUTPUT);
        p.putIfAbsent(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        p.putIfAbsent(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        KafkaStreams streams = new KafkaStreams(topology(input, output), p);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            streams.close();
            stopped.countDown();
        }, "pass-through-shutdown"));
        streams.setUncaughtExceptionHandler(e -> {
            e.printStackTrace();
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        stopped.await();
    }
}
