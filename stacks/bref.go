package stacks

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
)

// The site runs on Bref 3: one layer per PHP version and architecture
// (arm-php-84, php-84), published by Bref's account for provided.al2023,
// with the runtime picked by the BREF_RUNTIME environment variable ("fpm"
// for a website) and the handler naming the front controller relative to
// the task root. Bref 2 layers (account 534081306603, names such as
// arm-php-84-fpm) are built for Amazon Linux 2 and do not start on
// provided.al2023.
const (
	// BrefAccount publishes the Bref 3 layers.
	BrefAccount = "873528684822"
	// brefV2Account published the Bref 2 layers (Amazon Linux 2 only).
	brefV2Account = "534081306603"
	// BrefRuntimeFPM is the BREF_RUNTIME of a website.
	BrefRuntimeFPM = "fpm"
	// EnvBrefRuntime is the variable Bref 3's bootstrap reads.
	EnvBrefRuntime = "BREF_RUNTIME"
	// WebPHPVersion is the PHP version the site is written and tested for
	// (web/README.md): "84" is PHP 8.4.
	WebPHPVersion = "84"
	// WebHandler is the site's front controller, relative to the task
	// root: Bref's FPM runtime serves every request through it.
	WebHandler = "public/index.php"
)

// WebRuntime is the Lambda runtime of the site function; the layer must be
// built for it (CheckBrefLayer reads its name, webRuntimeName).
func WebRuntime() awslambda.Runtime { return awslambda.Runtime_PROVIDED_AL2023() }

// WebArchitecture is the architecture of the site function; the layer must
// be built for it (webArchName).
func WebArchitecture() awslambda.Architecture { return awslambda.Architecture_ARM_64() }

const (
	webRuntimeName = "provided.al2023" // *WebRuntime().Name()
	webArchName    = "arm64"           // *WebArchitecture().Name()
)

// brefLayerARN: arn:<partition>:lambda:<region>:<account>:layer:<name>:<version>.
var brefLayerARN = regexp.MustCompile(`^arn:aws[a-z-]*:lambda:([a-z0-9-]+):([0-9]{12}):layer:([A-Za-z0-9_-]+):([0-9]+)$`)

// brefLayerName: [arm-]php-<major><minor>, nothing after it (Bref 3).
var brefLayerName = regexp.MustCompile(`^(arm-)?php-([0-9]{2})$`)

// CheckBrefLayer reports why the layer ARN cannot run the site on
// provided.al2023 / arm64 in region: not a pinned version, not a Bref 3
// layer, a Bref 2 layer (Amazon Linux 2), another architecture, another
// PHP version, or another region.
func CheckBrefLayer(arn, region string) error {
	m := brefLayerARN.FindStringSubmatch(arn)
	if m == nil {
		return fmt.Errorf("brefLayerArn %q is not a pinned layer version ARN (arn:aws:lambda:<region>:%s:layer:arm-php-%s:<version>)", arn, BrefAccount, WebPHPVersion)
	}
	layerRegion, account, name := m[1], m[2], m[3]
	if account == brefV2Account || strings.HasSuffix(name, "-fpm") || strings.HasSuffix(name, "-console") {
		return fmt.Errorf("brefLayerArn %q is a Bref 2 layer, built for Amazon Linux 2: it does not start on %s; use Bref 3's %s layer from account %s",
			arn, webRuntimeName, "arm-php-"+WebPHPVersion, BrefAccount)
	}
	if account != BrefAccount {
		return fmt.Errorf("brefLayerArn %q is not published by Bref (account %s)", arn, BrefAccount)
	}
	n := brefLayerName.FindStringSubmatch(name)
	if n == nil {
		return fmt.Errorf("brefLayerArn %q: layer %q is not a Bref 3 PHP layer ([arm-]php-XY)", arn, name)
	}
	if (n[1] != "") != (webArchName == "arm64") {
		return fmt.Errorf("brefLayerArn %q: layer %q is not built for the site's %s architecture", arn, name, webArchName)
	}
	if n[2] != WebPHPVersion {
		return fmt.Errorf("brefLayerArn %q: layer %q is not PHP %s.%s, the site's version", arn, name, WebPHPVersion[:1], WebPHPVersion[1:])
	}
	if region != "" && layerRegion != region {
		return fmt.Errorf("brefLayerArn %q is not in region %s (Lambda only attaches layers of the function's region)", arn, region)
	}
	return nil
}
