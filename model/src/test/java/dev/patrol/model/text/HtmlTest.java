package dev.patrol.model.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlTest {

    @Test
    void shouldEscapeMarkupWhenTextCarriesHtml() {
        assertThat(Html.escape("<script>alert('x')</script> & \"q\" `b`"))
                .isEqualTo("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot; &#96;b&#96;");
    }

    @Test
    void shouldDropControlCharactersWhenTextCarriesThem() {
        assertThat(Html.escape("a\u0000b\u001bc\td\ne")).isEqualTo("abc\td\ne");
    }

    @Test
    void shouldKeepNonAsciiTextWhenItIsHarmless() {
        assertThat(Html.escape("Zoë – 東京 😀")).isEqualTo("Zoë – 東京 😀");
    }

    @Test
    void shouldGiveEmptyTextWhenTheValueIsNull() {
        assertThat(Html.escape(null)).isEmpty();
    }
}
