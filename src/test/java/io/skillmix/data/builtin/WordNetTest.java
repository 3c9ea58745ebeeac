package io.skillmix.data.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.data.builtin.WordNet.Pos;
import io.skillmix.data.builtin.WordNet.Synset;
import java.util.List;
import org.junit.jupiter.api.Test;

class WordNetTest {

  private final WordNet wn = WordNet.load();

  @Test
  void sizesMatchWordNet31() {
    // One synset per line of the data files of WordNet 3.1, the 29 license lines left out.
    assertEquals(82_192, wn.synsets(Pos.NOUN).size());
    assertEquals(13_789, wn.synsets(Pos.VERB).size());
    assertEquals(18_185, wn.synsets(Pos.ADJECTIVE).size());
    assertEquals(3_625, wn.synsets(Pos.ADVERB).size());
    assertTrue(wn.lemmas().size() > 140_000);
  }

  @Test
  void dogIsACanineAndADomesticAnimal() {
    List<Synset> dog = wn.senses("dog", Pos.NOUN);
    assertEquals(7, dog.size());
    Synset first = dog.get(0);
    assertEquals(List.of("dog", "domestic dog", "Canis familiaris"), first.lemmas());
    assertTrue(first.definition().startsWith("a member of the genus Canis"));
    assertFalse(first.definition().contains("\""), "examples are not part of the definition");
    assertTrue(first.definition().endsWith("occurs in many breeds"), first.definition());
    assertEquals(List.of("the dog barked all night"), first.examples());
    List<String> hypernyms = wn.hypernyms(first).stream().map(s -> s.lemmas().get(0)).toList();
    assertEquals(List.of("canine", "domestic animal"), hypernyms);
    assertEquals(Pos.VERB, wn.senses("dog").get(7).pos());
    assertEquals(wn.senses("Domestic_Dog"), wn.senses("domestic dog"));
  }

  @Test
  void antonymsFollowLexicalPointers() {
    assertTrue(wn.antonyms("good").contains("bad"), wn.antonyms("good").toString());
    assertTrue(wn.antonyms("hot").contains("cold"));
    assertTrue(wn.antonyms("bad").contains("good"));
    assertTrue(wn.antonyms("dog").isEmpty());
  }

  @Test
  void primarySenseFollowsTheMostTaggedPartOfSpeech() {
    assertEquals(Pos.VERB, wn.primarySense("run").pos());
    assertEquals(Pos.NOUN, wn.primarySense("dog").pos());
    assertEquals(Pos.ADJECTIVE, wn.primarySense("good").pos());
    assertTrue(wn.taggedSenses("good") > wn.taggedSenses("galore"));
    assertEquals(null, wn.primarySense("qwertyuiop"));
  }

  @Test
  void adjectiveMarkersAndLicenseHeaderAreGone() {
    for (Synset s : wn.synsets()) {
      for (String lemma : s.lemmas()) {
        assertFalse(lemma.contains("(") || lemma.contains("_") || lemma.isBlank(), lemma);
      }
    }
    assertTrue(wn.senses("galore").get(0).lemmas().contains("galore"));
  }
}
