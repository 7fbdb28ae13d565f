package io.twinegress.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MaskerTest {

    @Test
    void aRegisteredSecretAndItsKeyPartAreMaskedWherever_TheyAppear() {
        Secret.of("Endpoint=sb://ns/;SharedAccessKeyName=send;SharedAccessKey=masker-canary-1");
        assertEquals("error near ****", Masker.mask("error near masker-canary-1"));
        assertEquals("got ****", Masker.mask("got Endpoint=sb://ns/;SharedAccessKeyName=send;SharedAccessKey=masker-canary-1"));
    }

    @Test
    void keyShapedTextIsMaskedEvenWhenNeverRegistered() {
        assertEquals("Endpoint=sb://x/;SharedAccessKey=****;EntityPath=h", Masker.mask("Endpoint=sb://x/;SharedAccessKey=abc;EntityPath=h"));
        assertEquals("sr=a&sig=****&se=1", Masker.mask("sr=a&sig=xyz&se=1"));
    }

    @Test
    void aReferenceIsNotASecret() {
        Secret r = Secret.reference("${file:/etc/twin/s.properties:primary}");
        assertEquals("${file:/etc/twin/s.properties:primary}", Masker.mask(r.reveal()));
    }
}
