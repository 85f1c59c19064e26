package org.ann.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.ko.KoreanAnalyzer;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.AnalyzerFactory;

/**
 * {@code news_korean}: Lucene's KoreanAnalyzer (nori morphological tokenizer, compounds decompounded,
 * particles and endings removed by part of speech, hanja read as hangul), so a particle-attached noun
 * (학교에) matches the bare noun (학교).
 * Registered in src/main/plugin-metadata/named_components.json.
 */
@NamedComponent("news_korean")
public class NewsKoreanAnalyzerFactory implements AnalyzerFactory {
    @Override
    public Analyzer create() {
        return new KoreanAnalyzer();
    }
}
