package org.ann.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.bn.BengaliAnalyzer;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.AnalyzerFactory;

/**
 * {@code news_bengali}: Lucene's BengaliAnalyzer (Bengali normalisation, stop words and stemming).
 * Registered in src/main/plugin-metadata/named_components.json.
 */
@NamedComponent("news_bengali")
public class NewsBengaliAnalyzerFactory implements AnalyzerFactory {
    @Override
    public Analyzer create() {
        return new BengaliAnalyzer();
    }
}
