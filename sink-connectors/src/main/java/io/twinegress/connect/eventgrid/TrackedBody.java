package io.twinegress.connect.eventgrid;

import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request body that knows whether the HTTP client took any of it. The client asks for the body
 * only once the connection is open and the request headers are written; until then, nothing of the
 * request can have reached the service, so posting it again cannot make a duplicate.
 */
final class TrackedBody implements HttpRequest.BodyPublisher {

    private final HttpRequest.BodyPublisher body;
    private final AtomicBoolean handedOver = new AtomicBoolean();

    TrackedBody(byte[] bytes) {
        this.body = HttpRequest.BodyPublishers.ofByteArray(bytes);
    }

    /** Whether any of the body was handed to the connection. */
    boolean handedOver() {
        return handedOver.get();
    }

    @Override
    public long contentLength() {
        return body.contentLength();
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        body.subscribe(new Flow.Subscriber<ByteBuffer>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscriber.onSubscribe(subscription);
            }

            @Override
            public void onNext(ByteBuffer item) {
                handedOver.set(true);
                subscriber.onNext(item);
            }

            @Override
            public void onError(Throwable throwable) {
                subscriber.onError(throwable);
            }

            @Override
            public void onComplete() {
                subscriber.onComplete();
            }
        });
    }
}
