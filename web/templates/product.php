<?php
/**
 * The product page: every field of one product, its attributes, variants,
 * images and source catalog. Every value is partner data: escaped.
 *
 * @var CatalogSearch\Web\I18n $t
 * @var CatalogSearch\Web\View $v
 * @var array<string, mixed> $p
 * @var string $back
 * @var string $viewer the signed-in partner, or ""
 * @var array<string, mixed> $snapshot what the buyer's list keeps of it
 */

use CatalogSearch\Web\Html;
use CatalogSearch\Web\ProductFacts;
use CatalogSearch\Web\SearchState;

$str = static fn (string $k): string => is_string($p[$k] ?? null) ? $p[$k] : '';
$int = static fn (string $k): int => is_int($p[$k] ?? null) ? $p[$k] : 0;
$name = $str('name') !== '' ? $str('name') : $str('id');
// The stored pictures (never the partner's URLs), large and as thumbnails.
$slides = [];
$thumbs = [];
foreach (is_array($p['pictures'] ?? null) ? $p['pictures'] : [] as $pic) {
    $n = count($slides) + 1;
    $large = Html::picture($pic, '(max-width: 48rem) 100vw, 36rem', $t->t('product.image_alt', ['name' => $name, 'n' => $n]), $n > 1, 640);
    if ($large !== '') {
        $slides[] = $large;
        $thumbs[] = Html::picture($pic, '4.5rem', '', true, 160);
    }
}
$category = array_values(array_filter(is_array($p['category'] ?? null) ? $p['category'] : [], 'is_string'));
$details = [
    'product.sku' => $str('sku'),
    'product.gtin' => $str('gtin'),
    'product.supplier_ref' => $str('supplier_ref'),
    'product.moq' => $int('moq') > 0 ? $t->number($int('moq')) : '',
    'product.unit' => $str('unit'),
    'card.availability' => in_array($str('availability'), SearchState::AVAILABILITIES, true) ? $t->t('availability.' . $str('availability')) : '',
    'product.lead_time' => $int('lead_time_days') > 0 ? $t->plural('product.days', $int('lead_time_days')) : '',
    'product.origin' => $str('origin') === '' ? '' : $t->country($str('origin')),
    'product.key' => $str('key'),
];
$attributes = is_array($p['attributes'] ?? null) ? $p['attributes'] : [];
ksort($attributes, SORT_NATURAL | SORT_FLAG_CASE);
$variants = array_values(array_filter(is_array($p['variants'] ?? null) ? $p['variants'] : [], 'is_array'));
$source = is_array($p['source'] ?? null) ? $p['source'] : [];
$price = $t->price($p['price'] ?? null);
$onRequest = ProductFacts::onRequest($p['price'] ?? null, $p['free'] ?? false);
$viewer ??= '';
?>
<nav class="crumbs" aria-label="<?= $v->e($t->t('product.breadcrumb')) ?>">
  <ol>
    <li><a href="<?= $v->e($back) ?>"><?= $v->e($t->t('product.back')) ?></a></li>
    <?php $path = []; foreach ($category as $c) : $path[] = $c; ?>
    <li><a href="<?= $v->link('/', '?category=' . rawurlencode(implode(' > ', $path))) ?>"><?= $v->e($c) ?></a></li>
    <?php endforeach; ?>
  </ol>
</nav>
<article class="product">
  <div class="gallery" data-gallery>
    <?php if ($slides === []) : ?>
    <div class="thumb thumb-large" role="img" aria-label="<?= $v->e($t->t('product.no_image')) ?>"></div>
    <?php else : ?>
    <div class="slides"<?= count($slides) > 1 ? ' tabindex="0" role="region" aria-label="' . $v->e($t->t('product.gallery', ['name' => $name, 'count' => count($slides)])) . '"' : '' ?>>
        <?php foreach ($slides as $i => $img) : ?>
      <figure class="slide thumb" id="pic-<?= $i + 1 ?>"><?= $img ?></figure>
        <?php endforeach; ?>
    </div>
        <?php if (count($slides) > 1) : ?>
    <ol class="thumbs">
            <?php foreach ($thumbs as $i => $img) : ?>
      <li><a href="#pic-<?= $i + 1 ?>" data-slide="<?= $i ?>"<?= $i === 0 ? ' aria-current="true"' : '' ?>
             aria-label="<?= $v->e($t->t('product.show_image', ['n' => $i + 1, 'count' => count($thumbs)])) ?>"><?= $img ?></a></li>
            <?php endforeach; ?>
    </ol>
        <?php endif; ?>
    <?php endif; ?>
  </div>
  <div class="product-info">
    <h1><?= $v->e($name) ?></h1>
    <?php if ($str('brand') !== '') : ?>
    <p class="brand"><a href="<?= $v->link('/', '?brand=' . rawurlencode($str('brand'))) ?>"><?= $v->e($str('brand')) ?></a></p>
    <?php endif; ?>
    <?php if ($onRequest) : ?>
    <p class="price-request price-large"><?= $v->e($t->t('price.on_request')) ?></p>
    <?php else : ?>
    <p class="price price-large"><?= $v->e($price) ?></p>
        <?php if ($v->approx($p['price'] ?? null) !== '') : ?>
    <p class="approx"><?= $v->e($v->approx($p['price'] ?? null)) ?></p>
        <?php endif; ?>
        <?php if (ProductFacts::priceLabel($t, $p) !== '') : ?>
    <p class="per"><?= $v->e(ProductFacts::priceLabel($t, $p)) ?></p>
        <?php endif; ?>
        <?php $tiers = ProductFacts::tiers($p); if ($tiers !== []) : ?>
    <table class="data tiers">
      <caption><?= $v->e($t->t('tiers.title')) ?></caption>
      <thead><tr><th scope="col"><?= $v->e($t->t('tiers.qty')) ?></th><th scope="col" class="num"><?= $v->e($t->t('tiers.unit_price')) ?></th></tr></thead>
      <tbody>
            <?php foreach ($tiers as $tier) : ?>
        <tr><td><?= $v->e($t->t('tiers.from', ['n' => $t->number($tier['min'])])) ?></td><td class="num"><?= $v->e($t->price($tier['price'])) ?></td></tr>
            <?php endforeach; ?>
      </tbody>
    </table>
        <?php endif; ?>
    <?php endif; ?>
    <p class="partner"><?= $v->e($t->t('product.sold_by')) ?>
      <a href="<?= $v->link('/', '?partner=' . rawurlencode($str('partner'))) ?>"><?= $v->e(ProductFacts::seller($p)) ?></a></p>
    <form id="quote" class="list-add js-only" data-list-add novalidate
          data-product="<?= $v->e(json_encode($snapshot ?? [], JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES)) ?>">
      <?php if ($onRequest) : ?>
      <p class="hint"><?= $v->e($t->t('list.ask_hint', ['partner' => ProductFacts::seller($p)])) ?></p>
      <?php endif; ?>
      <label for="list-qty"><?= $v->e($t->t('list.quantity')) ?></label>
      <input id="list-qty" name="qty" type="number" inputmode="numeric" min="<?= $v->e(max(1, $int('moq'))) ?>" step="1"
             value="<?= $v->e(max(1, $int('moq'))) ?>"<?= $int('moq') > 1 ? ' aria-describedby="list-moq"' : '' ?>>
      <button type="submit" class="btn btn-primary"><?= $v->e($t->t($onRequest ? 'list.add_quote' : 'list.add')) ?></button>
      <?php if ($int('moq') > 1) : ?>
      <p id="list-moq" class="hint"><?= $v->e($t->t('list.moq_hint', ['n' => $t->number($int('moq'))])) ?></p>
      <?php endif; ?>
      <p class="list-added" role="status"></p>
    </form>
    <?php if ($str('description') !== '') : ?>
    <div class="description"><?php foreach (preg_split('/\R{2,}/u', $str('description')) ?: [] as $para) : ?><p><?= nl2br($v->e($para), false) ?></p><?php endforeach; ?></div>
    <?php endif; ?>

    <h2><?= $v->e($t->t('product.details')) ?></h2>
    <table class="kv">
      <tbody>
      <?php foreach ($details as $key => $value) : if ($value === '') { continue; } ?>
        <tr><th scope="row"><?= $v->e($t->t($key)) ?></th><td><?= $v->e($value) ?></td></tr>
      <?php endforeach; ?>
      <?php if ($category !== []) : ?>
        <tr><th scope="row"><?= $v->e($t->t('product.category')) ?></th><td><?= $v->e(implode(' › ', $category)) ?></td></tr>
      <?php endif; ?>
      </tbody>
    </table>

    <?php include __DIR__ . '/product_offers.php'; ?>

    <?php include __DIR__ . '/product_prices.php'; ?>

    <?php if ($attributes !== []) : ?>
    <h2><?= $v->e($t->t('product.attributes')) ?></h2>
    <table class="kv">
      <tbody>
      <?php foreach ($attributes as $k => $value) : ?>
        <tr><th scope="row"><?= $v->e((string) $k) ?></th><td><?= $v->e($value) ?></td></tr>
      <?php endforeach; ?>
      </tbody>
    </table>
    <?php endif; ?>

    <?php if ($variants !== []) : ?>
    <h2><?= $v->e($t->t('product.variants')) ?></h2>
    <div class="table-scroll" tabindex="0" role="region" aria-label="<?= $v->e($t->t('product.variants')) ?>">
    <table class="data">
      <thead><tr>
        <th scope="col"><?= $v->e($t->t('product.sku')) ?></th>
        <th scope="col"><?= $v->e($t->t('product.options')) ?></th>
        <th scope="col"><?= $v->e($t->t('product.gtin')) ?></th>
        <th scope="col"><?= $v->e($t->t('product.price')) ?></th>
      </tr></thead>
      <tbody>
      <?php foreach ($variants as $var) :
          $opts = [];
          foreach (is_array($var['options'] ?? null) ? $var['options'] : [] as $ok => $ov) {
              $opts[] = $ok . ': ' . (is_scalar($ov) ? (string) $ov : '');
          }
          ?>
        <tr>
          <td><?= $v->e($var['sku'] ?? '') ?></td>
          <td><?= $v->e(implode(', ', $opts)) ?></td>
          <td><?= $v->e($var['gtin'] ?? '') ?></td>
          <td><?= $v->e($t->price($var['price'] ?? null)) ?></td>
        </tr>
      <?php endforeach; ?>
      </tbody>
    </table>
    </div>
    <?php endif; ?>

    <h2><?= $v->e($t->t('product.source')) ?></h2>
    <table class="kv">
      <tbody>
      <?php if (is_string($source['catalog_id'] ?? null) && $source['catalog_id'] !== '') : ?>
        <tr><th scope="row"><?= $v->e($t->t('product.catalog')) ?></th>
          <?php if ($viewer !== '' && $viewer === $str('partner')) : ?>
          <td><a href="<?= $v->link('/partner/catalogs/' . rawurlencode($source['catalog_id'])) ?>"><?= $v->e($source['file'] ?? $source['catalog_id']) ?></a></td></tr>
          <?php else : ?>
          <td><?= $v->e($source['file'] ?? $source['catalog_id']) ?></td></tr>
          <?php endif; ?>
      <?php endif; ?>
      <?php if (is_int($source['row'] ?? null) && $source['row'] > 0) : ?>
        <tr><th scope="row"><?= $v->e($t->t('product.row')) ?></th><td><?= $v->e($t->number($source['row'])) ?></td></tr>
      <?php endif; ?>
      <?php if ($t->date($p['updated_at'] ?? null) !== '') : ?>
        <tr><th scope="row"><?= $v->e($t->t('product.updated')) ?></th><td><?= $v->e($t->date($p['updated_at'])) ?></td></tr>
      <?php endif; ?>
        <tr><th scope="row"><?= $v->e($t->t('product.id')) ?></th><td><code><?= $v->e($str('id')) ?></code></td></tr>
      </tbody>
    </table>
  </div>
</article>
